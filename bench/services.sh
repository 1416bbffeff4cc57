#!/usr/bin/env bash
# Standalone daemon vs on-demand (one process per connection) for one frozen service:
# samples/echo_service.py frozen by Frost, and the same program under /usr/bin/python3.
#
#   bench/services.sh [BUILD_DIR] [REQUESTS]      (BUILD_DIR defaults to .build/debug)
#
# Per request: connect to 127.0.0.1, send "ping\n", half-close, read the echo to EOF, close.
# Standalone: the program listens itself (started once). On demand: systemd-socket-activate
# --inetd -a starts one process per connection with the connection on stdin/stdout (the model of
# xinetd and of a systemd Accept=yes socket). Idle memory: VmRSS of what stays resident between
# requests (the server; for on-demand, the listener only), and the peak of one per-connection
# instance. Prints a Markdown table. Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug}
N=${2:-300}
PY=/usr/bin/python3
W=$(mktemp -d /tmp/frost-bench-svc.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT

"$BIN/frost" build samples/echo_service.py -o "$W/echo" >/dev/null
mkdir -p "$W/src" && cp samples/echo_service.py "$W/src/__main__.py" && cp stubs/python/frost.py "$W/src/"
"$BIN/frost" build "$W/src" --host-python -o "$W/echo-host" >/dev/null
cp stubs/python/frost.py "$W/frost.py"   # for the python3 runs

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Latency client: N sequential requests; prints "median p99" in ms.
cat >"$W/client.py" <<'EOF'
import socket, statistics, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
def once():
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"ping\n"); s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        b = s.recv(64)
        if not b: break
        data += b
    s.close()
    assert data == b"ping\n", data
    return (time.perf_counter() - t) * 1000
deadline = time.time() + 10
while True:  # wait for the listener
    try: once(); break
    except OSError:
        if time.time() > deadline: raise
        time.sleep(0.05)
for _ in range(5): once()
lat = sorted(once() for _ in range(n))
print("%.2f %.2f" % (statistics.median(lat), lat[min(n - 1, int(n * 0.99))]))
EOF

# Peak RSS of one per-connection instance: hold a connection open, find the child, read VmHWM.
cat >"$W/instance.py" <<'EOF'
import os, socket, sys, time
port, parent = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"x")
s.recv(1)   # the instance is up and echoing
kids = open("/proc/%s/task/%s/children" % (parent, parent)).read().split()
kb = max(int(l.split()[1]) for k in kids for l in open("/proc/%s/status" % k) if l.startswith("VmHWM"))
print(kb)
s.close()
EOF

run_mode() {   # label, mode (standalone|ondemand|xinetd), command...
    local label=$1 mode=$2; shift 2
    local port pid lat idle inst=""
    port=$(free_port)
    if [ "$mode" = standalone ]; then
        "$@" "$port" >/dev/null 2>&1 &
    elif [ "$mode" = xinetd ]; then
        "$BIN/frost" service generate "$1" --name bench-echo --exec-path "$1" --user root \
            --listen "127.0.0.1:$port" --xinetd --instances 50 --per-source 50 --no-check \
            -o "$W/x" >/dev/null 2>&1
        # xinetd's default rate limit (cps = 50 10) would stop the service mid-run.
        sed -i 's/^}$/\tcps             = 10000 1\n}/' "$W/x/xinetd.d/bench-echo"
        /usr/sbin/xinetd -dontfork -f "$W/x/xinetd.d/bench-echo" -pidfile "$W/x.pid" \
            >/dev/null 2>&1 &
    else
        systemd-socket-activate --inetd -a -l "127.0.0.1:$port" -E PYTHONPATH="$W" "$@" \
            >/dev/null 2>&1 &
    fi
    pid=$!
    PIDS+=("$pid")
    lat=$("$PY" "$W/client.py" "$port" "$N")
    sleep 0.5
    idle=$(rss_kb "$pid")
    if [ "$mode" != standalone ]; then inst=$("$PY" "$W/instance.py" "$port" "$pid"); fi
    kill "$pid" 2>/dev/null || true
    set -- $lat
    printf '| %s | %s | %s ms | %s ms | %s MB | %s |\n' "$label" "$mode" "$1" "$2" \
        "$(awk -v k="$idle" 'BEGIN{printf "%.1f", k/1024}')" \
        "$( [ -n "$inst" ] && awk -v k="$inst" 'BEGIN{printf "%.1f MB", k/1024}' || echo "-")"
}

echo "| program | mode | median | p99 | idle RSS | per-connection instance peak RSS |"
echo "|---|---|---|---|---|---|"
run_mode "Frost binary" standalone "$W/echo"
run_mode "Frost binary" ondemand "$W/echo"
run_mode "Frost binary" xinetd "$W/echo"
run_mode "Frost --host-python" standalone "$W/echo-host"
run_mode "Frost --host-python" ondemand "$W/echo-host"
run_mode "python3 echo_service.py" standalone env PYTHONPATH="$W" "$PY" samples/echo_service.py
run_mode "python3 echo_service.py" ondemand "$PY" samples/echo_service.py
echo
echo "start-up of the same program with nothing to serve (stdin at EOF on a socket is not"
echo "available to hyperfine, so: 'import frost, socket, threading' and exit):"
if command -v hyperfine >/dev/null; then
    printf 'import frost, socket, threading\n' >"$W/imp.py"
    "$BIN/frost" build "$W/imp.py" -o "$W/imp" >/dev/null
    hyperfine -N -w 5 -r 100 --export-markdown "$W/h.md" "$W/imp" \
        "$PY -c 'import sys; sys.path.insert(0, \"$W\"); import frost, socket, threading'" \
        >/dev/null && cat "$W/h.md"
fi
