/* stub_self.c - finding the running executable, with or without /proc (stub_self.h). */
#include "stub_self.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stub_error.h"

/* Copies `name` (or its realpath) into `path` if it names a readable regular file. */
static int candidate(const char *name, char *path, size_t len, int resolved)
{
    struct stat st;
    if (!name || !*name || stat(name, &st) != 0 || !S_ISREG(st.st_mode) ||
        access(name, R_OK) != 0)
        return -1;
    char *real = resolved ? realpath(name, NULL) : NULL;
    const char *use = resolved ? real : name;
    int ok = use && strlen(use) < len;
    if (ok)
        memcpy(path, use, strlen(use) + 1);
    free(real);
    return ok ? 0 : -1;
}

/* argv[0] without a '/' looked up in PATH as execvp(3) would (an empty entry is "."). */
static int in_path(const char *argv0, char *path, size_t len, int resolved)
{
    const char *dirs = getenv("PATH");
    if (!dirs || !argv0 || !*argv0 || strchr(argv0, '/'))
        return -1;
    char buf[PATH_MAX];
    for (const char *d = dirs;; d++) {
        const char *end = strchrnul(d, ':');
        int n = end == d ? snprintf(buf, sizeof buf, "./%s", argv0)
                         : snprintf(buf, sizeof buf, "%.*s/%s", (int)(end - d), d, argv0);
        if (n > 0 && (size_t)n < sizeof buf && access(buf, X_OK) == 0 &&
            candidate(buf, path, len, resolved) == 0)
            return 0;
        if (!*end)
            return -1;
        d = end;
    }
}

int stub_self_path(char *path, size_t len, const char *argv0, int resolved)
{
    static const char proc[] = "/proc/self/exe";
    if (access(proc, R_OK) == 0) {
        if (!resolved && sizeof proc <= len) {
            memcpy(path, proc, sizeof proc);
            return 0;
        }
        ssize_t n = readlink(proc, path, len - 1);
        if (n > 0 && (size_t)n < len - 1) {
            path[n] = '\0';
            return 0;
        }
    }
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    if (candidate(execfn, path, len, resolved) == 0)
        return 0;
    if (argv0 && strchr(argv0, '/') && candidate(argv0, path, len, resolved) == 0)
        return 0;
    if (in_path(argv0, path, len, resolved) == 0)
        return 0;
    STUB_ERROR("cannot find own executable: /proc/self/exe is not readable (is /proc mounted?), "
               "and neither AT_EXECFN '%s' nor argv[0] '%s' (with PATH) names a readable file",
               execfn ? execfn : "", argv0 ? argv0 : "");
    return -1;
}

int stub_self_has_proc_fd(void)
{
    return access("/proc/self/fd", X_OK) == 0;
}
