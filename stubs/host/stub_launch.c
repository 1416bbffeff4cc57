/* stub_launch.c - per-interpreter glue: sh family, python, perl, and plain exec. */
#include "stub_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/stub_payload.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

/* Python: read the bundle ("path\nsize\n" + bytes, repeated; the first file is the entry),
 * close the fd, serve the bundle's modules from memory, run the entry as __main__. */
static const char python_boot[] =
    "import sys,os\n"
    "def _frost_boot(fd):\n"
    " chunks=[]\n"
    " while True:\n"
    "  b=os.read(fd,1<<20)\n"
    "  if not b: break\n"
    "  chunks.append(b)\n"
    " os.close(fd)\n"
    " data=b''.join(chunks); files={}; order=[]; i=0\n"
    " while i<len(data):\n"
    "  j=data.index(b'\\n',i); k=data.index(b'\\n',j+1); n=int(data[j+1:k])\n"
    "  p=data[i:j].decode(); files[p]=data[k+1:k+1+n]; order.append(p); i=k+1+n\n"
    " import importlib.machinery as M\n"
    " class Finder:\n"
    "  @classmethod\n"
    "  def find_spec(c,name,path=None,target=None):\n"
    "   base=name.replace('.','/')\n"
    "   for p,pkg in ((base+'/__init__.py',True),(base+'.py',False)):\n"
    "    if p in files:\n"
    "     s=M.ModuleSpec(name,Loader(p),origin=sys.argv[0]+'/'+p,is_package=pkg)\n"
    "     s.has_location=True\n"
    "     if pkg: s.submodule_search_locations=[sys.argv[0]+'/'+base]\n"
    "     return s\n"
    " class Loader:\n"
    "  def __init__(s,p): s.p=p\n"
    "  def create_module(s,spec): return None\n"
    "  def exec_module(s,m): exec(compile(files[s.p],m.__spec__.origin,'exec'),m.__dict__)\n"
    "  def get_data(s,path): return files[path[len(sys.argv[0])+1:]]\n"
    "  def get_source(s,name): return files[s.p].decode()\n"
    " sys.meta_path.insert(len(sys.meta_path)-1,Finder)\n"
    " return files[order[0]]\n"
    "sys.argv.pop(0)\n"
    "_frost_src=_frost_boot(int(sys.argv.pop(0)))\n"
    "del _frost_boot\n"
    "__file__=sys.argv[0]\n"
    "del sys.path[0]\n"
    "exec(compile(_frost_src,sys.argv[0],'exec'))\n";

/* Perl: read the script from the fd, close it, run it with __FILE__ and $0 set. */
static const char perl_boot[] =
    "$0=shift@ARGV;my$fd=shift@ARGV;open(my$f,'<&=',$fd)or die;"
    "my$s=do{local$/;<$f>};close$f;"
    "eval(qq{#line 1 \"$0\"\\n}.$s);die$@ if$@;";

/* A memfd at a number >= 3 (so that closed stdio slots stay closed), not close-on-exec. */
static int make_memfd(const char *name)
{
    int fd = memfd_create(name, MFD_NOEXEC_SEAL);
    if (fd < 0 && errno == EINVAL)
        fd = memfd_create(name, 0);
    if (fd >= 0 && fd < 3) {
        int high = fcntl(fd, F_DUPFD, 3);
        close(fd);
        fd = high;
    }
    return fd;
}

/* sh family: the first line closes the memfd ("exec N<&-"); a shebang line is replaced by it
 * so that line numbers stay the same. bash and dash read or hold the file by then. */
static int write_sh(int fd, const uint8_t *script, size_t size)
{
    char line[32];
    snprintf(line, sizeof line, "exec %d<&-", fd);
    if (size >= 2 && script[0] == '#' && script[1] == '!') {
        const uint8_t *nl = memchr(script, '\n', size);
        size_t skip = nl ? (size_t)(nl - script) : size;
        return stub_write_all(fd, line, strlen(line)) || stub_write_all(fd, script + skip, size - skip);
    }
    strcat(line, " ; ");
    return stub_write_all(fd, line, strlen(line)) || stub_write_all(fd, script, size);
}

int stub_launch_memfd(const char *launcher, const char *name, const uint8_t *script,
                      size_t size, const uint8_t *bundle, size_t bundle_size)
{
    int fd = make_memfd(name);
    if (fd < 0)
        return -1;
    int rc;
    if (strcmp(launcher, "sh") == 0)
        rc = write_sh(fd, script, size);
    else if (strcmp(launcher, "python") == 0 && bundle)
        rc = stub_write_all(fd, bundle, bundle_size);
    else
        rc = stub_write_all(fd, script, size);
    if (rc != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

char **stub_launch_argv(const char *launcher, const char *interp, char **fixed, int nfixed,
                        int fd, int argc, char **argv)
{
    static char fdarg[32], glue[64];
    char **out = calloc((size_t)(nfixed + argc + 8), sizeof *out);
    if (!out)
        return NULL;
    int n = 0;
    out[n++] = (char *)interp;
    for (int i = 0; i < nfixed; i++)
        out[n++] = fixed[i];
    snprintf(fdarg, sizeof fdarg, "%d", fd);
    const char *argv0 = argc > 0 ? argv[0] : "frost";
    if (strcmp(launcher, "sh") == 0) {
        snprintf(glue, sizeof glue, ". /proc/self/fd/%d", fd);
        out[n++] = "-c";
        out[n++] = glue;
        out[n++] = (char *)argv0;
    } else if (strcmp(launcher, "python") == 0) {
        out[n++] = "-c";
        out[n++] = (char *)python_boot;
        out[n++] = fdarg;
        out[n++] = (char *)argv0;
    } else if (strcmp(launcher, "perl") == 0) {
        out[n++] = "-e";
        out[n++] = (char *)perl_boot;
        out[n++] = "--";
        out[n++] = (char *)argv0;
        out[n++] = fdarg;
    } else {
        snprintf(glue, sizeof glue, "/proc/self/fd/%d", fd);
        out[n++] = glue;
    }
    for (int i = 1; i < argc; i++)
        out[n++] = argv[i];
    out[n] = NULL;
    return out;
}
