/* stub_daemon.c - daemon mode for every stub: see stub_daemon.h and docs/SERVICES.md. */
#include "stub_daemon.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stub_error.h"

/* The settings, read once from the manifest and the environment. */
struct daemon_settings {
    int detach;
    int asked; /* FROST_DAEMON=1 in the environment: a script asked for a daemon now */
    char pidfile[PATH_MAX];
    char logfile[PATH_MAX];
};

/* `value` of `key` in the manifest, or NULL (also when there is no payload). */
static const char *manifest_value(const struct stub_payload *p, const char *key)
{
    if (p == NULL || p->manifest == NULL)
        return NULL;
    return stub_payload_manifest_next(p, key, NULL);
}

/* Copies the environment's value, else the manifest's, into `out`; "" when neither is set.
 * A relative path is made absolute now, since the daemon changes directory to /.
 * Returns -1 when the result does not fit. */
static int pick_path(char *out, size_t size, const char *env_value, const char *mf_value)
{
    const char *value = (env_value != NULL && env_value[0] != '\0') ? env_value : mf_value;
    out[0] = '\0';
    if (value == NULL || value[0] == '\0')
        return 0;
    if (value[0] == '/') {
        if (strlen(value) >= size)
            return -1;
        strcpy(out, value);
        return 0;
    }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return -1;
    int n = snprintf(out, size, "%s/%s", cwd, value);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

/* Reads the settings and removes FROST_DAEMON, FROST_PIDFILE and FROST_LOGFILE from the
 * environment. Returns -1 (after a message) when a path is too long. */
static int read_settings(const struct stub_payload *p, struct daemon_settings *s)
{
    const char *env_daemon = getenv("FROST_DAEMON");
    const char *mf_daemon = manifest_value(p, STUB_DAEMON_MF_DAEMON);
    s->asked = env_daemon != NULL && strcmp(env_daemon, "1") == 0;
    s->detach = s->asked || (mf_daemon != NULL && strcmp(mf_daemon, "1") == 0);
    int rc = 0;
    if (pick_path(s->pidfile, sizeof s->pidfile, getenv("FROST_PIDFILE"),
                  manifest_value(p, STUB_DAEMON_MF_PIDFILE)) != 0) {
        STUB_ERROR("pidfile path is too long");
        rc = -1;
    }
    if (pick_path(s->logfile, sizeof s->logfile, getenv("FROST_LOGFILE"),
                  manifest_value(p, STUB_DAEMON_MF_LOGFILE)) != 0) {
        STUB_ERROR("log file path is too long");
        rc = -1;
    }
    unsetenv("FROST_DAEMON");
    unsetenv("FROST_PIDFILE");
    unsetenv("FROST_LOGFILE");
    return rc;
}

/* True when a supervisor tracks this process already: systemd (INVOCATION_ID, NOTIFY_SOCKET,
 * LISTEN_PID) or inetd/xinetd/systemd Accept=yes (stdin is a socket). INVOCATION_ID alone does
 * not count when `asked`: an init script run by systemd's sysv generator (a Type=forking unit,
 * which has INVOCATION_ID) asks for a daemon with FROST_DAEMON=1 and waits for it to detach. */
static int supervised(int asked)
{
    const char *vars[] = {"NOTIFY_SOCKET", "LISTEN_PID", "INVOCATION_ID"};
    size_t n = sizeof vars / sizeof vars[0] - (asked ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0')
            return 1;
    }
    struct stat st;
    return fstat(STDIN_FILENO, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Opens `path`, takes an exclusive flock without waiting and writes this process's pid.
 * The descriptor is moved to STUB_DAEMON_PIDFD_MIN or above, without close-on-exec, so the
 * lock outlives an exec; FROST_DAEMON_PIDFILE and FROST_DAEMON_PIDFD tell the program.
 * Returns 0, or -1 after a one-line message. */
static int take_pidfile(const char *path)
{
    int result = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        STUB_PERROR("open", "cannot open pidfile %s", path);
        goto cleanup;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            char buf[32] = {0};
            ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
            long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
            if (pid > 0)
                STUB_ERROR("already running (pid %ld, pidfile %s)", pid, path);
            else
                STUB_ERROR("already running (pidfile %s is locked)", path);
        } else {
            STUB_PERROR("flock", "cannot lock pidfile %s", path);
        }
        goto cleanup;
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len) {
        STUB_PERROR("write", "cannot write pidfile %s", path);
        goto cleanup;
    }
    int high = fcntl(fd, F_DUPFD, STUB_DAEMON_PIDFD_MIN);
    if (high < 0) {
        STUB_PERROR("fcntl", "cannot keep pidfile %s open", path);
        goto cleanup;
    }
    char num[16];
    snprintf(num, sizeof num, "%d", high);
    setenv("FROST_DAEMON_PIDFILE", path, 1);
    setenv("FROST_DAEMON_PIDFD", num, 1);
    result = 0;
cleanup:
    if (fd >= 0)
        close(fd); /* the lock stays with `high`, which shares the open file description */
    return result;
}

/* stdin from /dev/null; stdout and stderr to `logfile` (appended) or /dev/null. */
static int redirect_stdio(const char *logfile)
{
    int result = -1;
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    int out_fd = -1;
    if (null_fd < 0) {
        STUB_PERROR("open", "cannot open /dev/null");
        goto cleanup;
    }
    if (logfile[0] != '\0') {
        out_fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (out_fd < 0) {
            STUB_PERROR("open", "cannot open log file %s", logfile);
            goto cleanup;
        }
    }
    int target = out_fd >= 0 ? out_fd : null_fd;
    fflush(stdout);
    fflush(stderr);
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(target, STDOUT_FILENO) < 0 ||
        dup2(target, STDERR_FILENO) < 0) {
        STUB_PERROR("dup2", "cannot redirect standard streams");
        goto cleanup;
    }
    result = 0;
cleanup:
    if (null_fd >= 0)
        close(null_fd);
    if (out_fd >= 0)
        close(out_fd);
    return result;
}

/* The launching process: waits for the daemon's one-byte verdict and exits with it. */
static void launcher_wait(int verdict_fd, pid_t first_child)
{
    unsigned char verdict = 1;
    ssize_t n;
    do
        n = read(verdict_fd, &verdict, 1);
    while (n < 0 && errno == EINTR);
    int status;
    while (waitpid(first_child, &status, 0) < 0 && errno == EINTR)
        ;
    if (n != 1) {
        STUB_ERROR("the daemon exited before it was ready");
        _exit(1);
    }
    _exit(verdict == 0 ? 0 : 1);
}

/* In the daemon: reports `verdict` to the launcher; on failure exits. */
static void report(int verdict_fd, unsigned char verdict)
{
    ssize_t n;
    do
        n = write(verdict_fd, &verdict, 1);
    while (n < 0 && errno == EINTR);
    close(verdict_fd);
    if (verdict != 0)
        _exit(1);
}

/* daemon(7): no signal blocked, whatever the launching process had (a thread pool's blocked
 * SIGTERM would otherwise make the daemon unstoppable). Dispositions are left alone: caught
 * signals are reset by exec anyway, and an embedded Python has set its own already. */
static void unblock_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* True for a descriptor the daemon keeps: one the stub opened close-on-exec (the payload), or
 * a memfd (the host stub's script, should it exist already). */
static int stub_owned(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC))
        return 1;
    char link[64], target[16] = "";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    return n > 0 && strncmp(target, "/memfd:", 7) == 0;
}

/* daemon(7): closes the descriptors above 2 inherited from the launcher (they came through an
 * exec, so they are not close-on-exec), except `keep`. Otherwise the daemon would hold its
 * launcher's pipes and sockets, and whoever waits for EOF on one would wait for the daemon. */
static void close_inherited(int keep)
{
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) {
        long max = sysconf(_SC_OPEN_MAX);
        for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 1024); fd++) {
            if (fd != keep && !stub_owned(fd))
                close(fd);
        }
        return;
    }
    int fds[1024];
    size_t count = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL && count < sizeof fds / sizeof fds[0]) {
        int fd = atoi(d->d_name);
        if (fd > 2 && fd != keep && fd != dirfd(dir) && !stub_owned(fd))
            fds[count++] = fd;
    }
    closedir(dir);
    for (size_t i = 0; i < count; i++)
        close(fds[i]);
}

/* fork, setsid, fork; returns in the daemon only. */
static void detach(const struct daemon_settings *s)
{
    int verdict[2];
    if (pipe2(verdict, O_CLOEXEC) != 0) {
        STUB_PERROR("pipe", "cannot start the daemon");
        exit(1);
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        STUB_PERROR("fork", "cannot start the daemon");
        exit(1);
    }
    if (pid > 0) {
        close(verdict[1]);
        launcher_wait(verdict[0], pid);
    }
    close(verdict[0]);
    if (setsid() < 0) {
        STUB_PERROR("setsid", "cannot start the daemon");
        report(verdict[1], 1);
    }
    pid = fork();
    if (pid < 0) {
        STUB_PERROR("fork", "cannot start the daemon");
        report(verdict[1], 1);
    }
    if (pid > 0)
        _exit(0); /* the session leader goes; the daemon can never get a terminal back */
    unblock_signals();
    close_inherited(verdict[1]);
    if (s->pidfile[0] != '\0' && take_pidfile(s->pidfile) != 0)
        report(verdict[1], 1);
    if (chdir("/") != 0) {
        STUB_PERROR("chdir", "cannot change directory to /");
        report(verdict[1], 1);
    }
    umask(022);
    if (redirect_stdio(s->logfile) != 0)
        report(verdict[1], 1);
    report(verdict[1], 0);
}

int stub_daemon_setup(const struct stub_payload *p)
{
    struct daemon_settings s;
    if (read_settings(p, &s) != 0)
        exit(1);
    if ((!s.detach && s.pidfile[0] == '\0') || supervised(s.asked))
        return 0;
    if (!s.detach) {
        /* A pidfile without daemon mode: written and locked in the foreground. */
        if (take_pidfile(s.pidfile) != 0)
            exit(1);
        return 0;
    }
    detach(&s);
    return 0;
}
