"""A TCP echo service that runs the way it is started (samples/README: services).

- socket-activated (systemd NAME.socket Accept=no, systemd-socket-activate): serves on the
  sockets in LISTEN_FDS;
- inetd style (xinetd, Accept=yes, systemd-socket-activate --inetd): echoes stdin to stdout,
  one connection per process;
- otherwise: listens on 127.0.0.1:PORT (argv[1], else $ECHO_PORT, else 7007).

It tells systemd when it is ready (Type=notify) and pings the watchdog when one is set.
"""

import os
import socket
import sys
import threading

import frost


def echo_connection(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


def serve(listeners):
    frost.ready("echoing on %d socket(s)" % len(listeners))
    frost.start_watchdog()
    for extra in listeners[1:]:
        threading.Thread(target=accept_loop, args=(extra,), daemon=True).start()
    accept_loop(listeners[0])


def accept_loop(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=echo_connection, args=(conn,), daemon=True).start()


def echo_stdio():
    while True:
        data = os.read(0, 65536)
        if not data:
            break
        view = memoryview(data)
        while view:
            view = view[os.write(1, view):]


def main():
    if frost.is_inetd():
        echo_stdio()
        return
    listeners = frost.listen_sockets()
    if not listeners:
        port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ECHO_PORT", "7007"))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        listeners = [listener]
    serve(listeners)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
