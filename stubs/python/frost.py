"""Service helpers bundled into every Frost-built Python program (``import frost``).

- ``notify("READY=1")``, ``ready()``, ``watchdog_ping()``: sd_notify(3) over NOTIFY_SOCKET.
- ``listen_sockets()``: the sockets systemd (or systemd-socket-activate) passed with
  LISTEN_FDS, checked against LISTEN_PID, named by LISTEN_FDNAMES (sd_listen_fds(3)).
- ``is_inetd()`` / ``inetd_socket()``: started by inetd, xinetd or an Accept=yes socket unit,
  with the connection on stdin and stdout.
- Daemon mode (``frost build --daemon`` or the init.d script): the stub detached the process
  and holds a locked pidfile; importing this module makes the lock's descriptor close-on-exec
  and removes the pidfile at exit and on SIGTERM (docs/SERVICES.md).

Standard library only; no third-party sd_notify needed.
"""

import os
import socket
import stat
import sys

__all__ = [
    "notify",
    "ready",
    "stopping",
    "status",
    "watchdog_ping",
    "watchdog_interval",
    "start_watchdog",
    "listen_sockets",
    "listen_sockets_by_name",
    "is_inetd",
    "inetd_socket",
    "is_systemd",
    "daemon_pidfile",
    "LISTEN_FDS_START",
]

#: The first descriptor passed by socket activation.
LISTEN_FDS_START = 3

_listen_cache = None
_pidfile = None


def notify(state, unset_environment=False):
    """Sends ``state`` (e.g. ``"READY=1"``, ``"STATUS=..."``, ``"WATCHDOG=1"``; several
    assignments separated by newlines) to the service manager.

    Returns True when sent, False when NOTIFY_SOCKET is not set (not started by systemd with
    Type=notify): callers need not check whether they run under systemd.
    """
    address = os.environ.get("NOTIFY_SOCKET")
    if unset_environment:
        os.environ.pop("NOTIFY_SOCKET", None)
    if not address:
        return False
    if address[0] == "@":
        address = "\0" + address[1:]
    elif address[0] != "/":
        raise ValueError("NOTIFY_SOCKET is neither a path nor an abstract name: %r" % address)
    if isinstance(state, str):
        state = state.encode("utf-8")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
        sock.connect(address)
        sock.sendall(state)
    return True


def ready(status=None):
    """``notify("READY=1")``, with an optional STATUS= line."""
    return notify("READY=1" + ("\nSTATUS=" + status if status else ""))


def stopping():
    """``notify("STOPPING=1")``."""
    return notify("STOPPING=1")


def status(text):
    """``notify("STATUS=text")``: shown by ``systemctl status``."""
    return notify("STATUS=" + text)


def watchdog_ping():
    """``notify("WATCHDOG=1")``: call at least every ``watchdog_interval()`` seconds."""
    return notify("WATCHDOG=1")


def watchdog_interval():
    """The watchdog timeout in seconds (WATCHDOG_USEC) when it applies to this process, else
    None. Ping at about half of it."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        value = int(usec)
    except ValueError:
        return None
    return value / 1e6 if value > 0 else None


def start_watchdog():
    """Starts a daemon thread pinging the watchdog at half its interval. Returns the thread,
    or None when no watchdog is set. A hung main thread is not detected this way: ping from
    the main loop instead when that matters."""
    interval = watchdog_interval()
    if interval is None:
        return None
    import threading

    def loop():
        event = threading.Event()
        while not event.wait(interval / 2):
            watchdog_ping()

    thread = threading.Thread(target=loop, name="frost-watchdog", daemon=True)
    thread.start()
    return thread


def _passed_fds():
    """[(fd, name)] from LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES, then unset as sd_listen_fds(1)
    does, so that the program's children do not take them for their own."""
    count = os.environ.get("LISTEN_FDS")
    pid = os.environ.get("LISTEN_PID")
    names = os.environ.get("LISTEN_FDNAMES")
    for var in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"):
        os.environ.pop(var, None)
    if not count or not pid:
        return []
    try:
        count = int(count)
        pid = int(pid)
    except ValueError:
        return []
    if pid != os.getpid() or count <= 0:
        return []
    labels = names.split(":") if names else []
    result = []
    for i in range(count):
        fd = LISTEN_FDS_START + i
        os.set_inheritable(fd, False)
        result.append((fd, labels[i] if i < len(labels) else "unknown"))
    return result


def _activated():
    global _listen_cache
    if _listen_cache is None:
        _listen_cache = []
        for fd, name in _passed_fds():
            mode = os.fstat(fd).st_mode
            obj = socket.socket(fileno=fd) if stat.S_ISSOCK(mode) else fd
            _listen_cache.append((obj, name))
    return _listen_cache


def listen_sockets(name=None):
    """The sockets passed by socket activation, in order, as ``socket.socket`` objects (a
    passed descriptor that is not a socket, e.g. a FIFO, is returned as an int).

    Empty when the process was not socket-activated (no LISTEN_FDS, or LISTEN_PID is another
    process). ``name`` keeps only those whose LISTEN_FDNAMES entry (FileDescriptorName=)
    matches. Repeated calls return the same objects.
    """
    return [obj for obj, label in _activated() if name is None or label == name]


def listen_sockets_by_name():
    """``{name: [socket, ...]}`` of the passed sockets (LISTEN_FDNAMES, "unknown" if unset)."""
    result = {}
    for obj, label in _activated():
        result.setdefault(label, []).append(obj)
    return result


def is_inetd():
    """True when stdin is a socket: started by inetd, xinetd or a systemd Accept=yes socket
    with the connection on stdin and stdout."""
    try:
        return stat.S_ISSOCK(os.fstat(0).st_mode)
    except OSError:
        return False


def inetd_socket():
    """The connection of an inetd-style start as a socket object (a duplicate of stdin), or
    None when stdin is not a socket."""
    if not is_inetd():
        return None
    return socket.socket(fileno=os.dup(0))


def is_systemd():
    """True when started by systemd as a service (INVOCATION_ID is set)."""
    return bool(os.environ.get("INVOCATION_ID"))


def daemon_pidfile():
    """The pidfile this process holds (daemon mode, or a foreground ``--pidfile``), or None."""
    return _pidfile


def _remove_pidfile():
    path = _pidfile
    if not path:
        return
    try:
        with open(path) as f:
            owner = f.read().strip()
        # A newer instance may have replaced a pidfile it found unlocked: leave that one.
        if owner == str(os.getpid()):
            os.unlink(path)
    except OSError:
        pass


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _find_pidfile_fd():
    """(path, fd) of the pidfile the stub locked, found without the environment: an embedded
    Python initialized before the stub daemonized has a stale ``os.environ``. The stub keeps the
    descriptor at 100 or above, inheritable, and the file holds this process's pid."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    me = str(os.getpid())
    for name in names:
        fd = int(name)
        if fd < 100:
            continue
        try:
            if not os.get_inheritable(fd) or not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            if os.pread(fd, 32, 0).decode("ascii", "replace").strip() != me:
                continue
            return os.readlink("/proc/self/fd/%d" % fd), fd
        except OSError:
            continue
    return None


def _init_daemon():
    """Takes over the pidfile the stub locked (FROST_DAEMON_PIDFILE, FROST_DAEMON_PIDFD)."""
    global _pidfile
    # Programs this one starts must not daemonize in turn (the stub unset these in C; an
    # embedded interpreter's os.environ may predate that).
    for var in ("FROST_DAEMON", "FROST_PIDFILE", "FROST_LOGFILE"):
        os.environ.pop(var, None)
    path = os.environ.pop("FROST_DAEMON_PIDFILE", None)
    fd = os.environ.pop("FROST_DAEMON_PIDFD", None)
    try:
        fd = int(fd) if fd else None
    except ValueError:
        fd = None
    if not path or fd is None:
        found = _find_pidfile_fd()
        if found is None:
            return
        path, fd = found
    try:
        os.set_inheritable(fd, False)  # the lock is this process's, not its children's
    except OSError:
        return
    _pidfile = path
    import atexit

    atexit.register(_remove_pidfile)
    # SIGTERM's default action skips atexit: turn it into SystemExit so the pidfile goes too.
    try:
        import signal

        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # not the main thread
        pass


_init_daemon()
