/* stub_launch.c - per-interpreter glue: sh family, python, perl, and plain exec. */
#include "stub_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/stub_error.h"
#include "../common/stub_payload.h"
#include "../common/stub_self.h"

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

/* One file of the python bundle: "path\nsize\n", then its raw bytes. */
static int write_bundle_file(int fd, const struct stub_payload *p, const struct frost_entry *e,
                             char *err, size_t errlen)
{
    char head[32];
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    int hl = snprintf(head, sizeof head, "\n%llu\n", (unsigned long long)e->raw_size);
    if (stub_write_all(fd, name, nlen) != 0 || stub_write_all(fd, head, (size_t)hl) != 0)
        return -1;
    if (stub_payload_write_to_fd(p, e, fd) != 0) {
        snprintf(err, errlen, "payload damaged: entry %.*s does not decompress or check out",
                 (int)nlen, name);
        return -1;
    }
    return 0;
}

/* python: the bundle python_boot reads, entry by entry: the program's entry first, then every
 * other entry but package metadata, in index order. */
static int write_python(int fd, const struct stub_payload *p, const struct frost_entry *entry,
                        char *err, size_t errlen)
{
    if (write_bundle_file(fd, p, entry, err, errlen) != 0)
        return -1;
    for (uint32_t i = 0; i < p->count; i++) {
        const struct frost_entry *e = &p->entries[i];
        if (e != entry && e->kind != FROST_KIND_METADATA &&
            write_bundle_file(fd, p, e, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Writes what `launcher` reads to `fd`: the python bundle, or the script (read whole). */
static int write_script(int fd, const char *launcher, const struct stub_payload *p,
                        const struct frost_entry *entry, char *err, size_t errlen)
{
    uint8_t *script = NULL;
    if (strcmp(launcher, "python") == 0)
        return write_python(fd, p, entry, err, errlen);
    if (stub_payload_read(p, entry, &script, err, errlen) != 0)
        return -1;
    int rc = strcmp(launcher, "sh") == 0 ? write_sh(fd, script, (size_t)entry->raw_size)
                                         : stub_write_all(fd, script, (size_t)entry->raw_size);
    int saved = errno;
    free(script);
    errno = saved;
    return rc;
}

int stub_launch_memfd(const char *launcher, const char *name, const struct stub_payload *p,
                      const struct frost_entry *entry, char *err, size_t errlen)
{
    err[0] = '\0';
    int fd = make_memfd(name);
    if (fd < 0)
        return -1;
    if (write_script(fd, launcher, p, entry, err, errlen) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* The script held by `fd` as one string for `sh -c`, or NULL after printing why not: at most
 * MAX_ARG_STRLEN - 1 bytes (the kernel's limit on one argument), with no NUL byte. */
static char *script_text(int fd)
{
    enum { limit = 128 * 1024 - 1 };
    char *text = malloc(limit + 1);
    ssize_t n = text ? pread(fd, text, limit + 1, 0) : -1;
    if (n < 0 || n > limit || memchr(text, '\0', (size_t)n)) {
        STUB_ERROR("needs /proc mounted: the script is %s",
                   n < 0 ? "unreadable" : n > limit ? "over 128 KiB" : "not text (a NUL byte)");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

char **stub_launch_argv(const char *launcher, const char *interp, char **fixed, int nfixed,
                        int fd, int argc, char **argv)
{
    static char fdarg[32], glue[64];
    char **out = calloc((size_t)(nfixed + argc + 8), sizeof *out);
    if (!out) {
        STUB_ERROR("out of memory");
        return NULL;
    }
    int n = 0;
    out[n++] = (char *)interp;
    for (int i = 0; i < nfixed; i++)
        out[n++] = fixed[i];
    snprintf(fdarg, sizeof fdarg, "%d", fd);
    const char *argv0 = argc > 0 ? argv[0] : "frost";
    if (strcmp(launcher, "sh") == 0) {
        snprintf(glue, sizeof glue, ". /proc/self/fd/%d", fd);
        out[n++] = "-c";
        /* Without /proc the shell gets the script's text itself (stub_launch.h). */
        out[n++] = stub_self_has_proc_fd() ? glue : script_text(fd);
        if (!out[n - 1]) {
            free(out);
            return NULL;
        }
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
        if (!stub_self_has_proc_fd()) {
            STUB_ERROR("needs /proc mounted: the %s script is handed over as /proc/self/fd/N",
                       interp);
            free(out);
            return NULL;
        }
        snprintf(glue, sizeof glue, "/proc/self/fd/%d", fd);
        out[n++] = glue;
    }
    for (int i = 1; i < argc; i++)
        out[n++] = argv[i];
    out[n] = NULL;
    return out;
}
