/* stub_daemon.h - daemon mode: detach from the terminal and hold a locked pidfile.
 *
 * Called by every stub's main right before it runs the program (execs the interpreter or
 * starts the embedded Python). Behaviour and the environment it leaves: docs/SERVICES.md.
 *
 * Daemon mode is on when the manifest has ("daemon", "1") (`frost build --daemon`) or the
 * environment has FROST_DAEMON=1 (the generated init.d script). The pidfile comes from
 * FROST_PIDFILE, else the manifest's "pidfile"; the log file for stdout/stderr from
 * FROST_LOGFILE, else the manifest's "logfile", else /dev/null. FROST_DAEMON, FROST_PIDFILE and
 * FROST_LOGFILE are always removed from the environment, so programs the service starts do not
 * daemonize in turn.
 *
 * Nothing happens under systemd (INVOCATION_ID, NOTIFY_SOCKET or LISTEN_PID set: it tracks the
 * process itself and a fork would break Type=exec/notify and LISTEN_PID) or inetd (stdin is a
 * socket).
 *
 * Otherwise: fork (the launching process waits for the daemon's verdict and exits with it),
 * setsid, fork again (the session leader exits), then in the daemon (daemon(7)): empty the signal
 * mask; close the descriptors inherited from the launcher (every one above 2 that is not
 * close-on-exec, except memfds); take an exclusive flock on the pidfile (held by another process:
 * "already running", status 1; a stale pidfile, whose lock nobody holds, is reused) and write
 * the pid; chdir /; umask 022; stdin from /dev/null, stdout and stderr to the log file or
 * /dev/null; tell the launcher "ok"; return.
 *
 * The pidfile's descriptor stays open, without close-on-exec, at STUB_DAEMON_PIDFD_MIN or above,
 * so the lock survives the interpreter's exec and lasts as long as the process. The daemon sees
 * FROST_DAEMON_PIDFILE=PATH and FROST_DAEMON_PIDFD=N: the bundled Python `frost` module closes
 * the fd on exec for children and removes the pidfile at exit and on SIGTERM; a shell program
 * can `trap 'rm -f "$FROST_DAEMON_PIDFILE"' EXIT`. A pidfile left behind is harmless: the next
 * start finds it unlocked and replaces it; the init.d script's stop removes it too.
 */
#ifndef STUB_DAEMON_H
#define STUB_DAEMON_H

#include "stub_payload.h"

/* Manifest keys (see ../include/frost_format.h for the manifest itself). */
#define STUB_DAEMON_MF_DAEMON "daemon"   /* "1": detach at start */
#define STUB_DAEMON_MF_PIDFILE "pidfile" /* absolute path of the pidfile */
#define STUB_DAEMON_MF_LOGFILE "logfile" /* stdout/stderr of the daemon (default /dev/null) */

/* The lowest descriptor number the pidfile lock is moved to. */
#define STUB_DAEMON_PIDFD_MIN 100

/* Detaches when daemon mode is on (see above). `p` may be NULL (environment only).
 * In daemon mode, descriptors above 2 without close-on-exec are closed unless they are memfds:
 * call it before opening any other descriptor the program must inherit.
 * Returns 0 in the process that goes on to run the program; never returns in the launching
 * process; on failure prints one line ("NAME: already running (pid N, pidfile PATH)") and
 * exits with status 1. */
int stub_daemon_setup(const struct stub_payload *p);

#endif /* STUB_DAEMON_H */
