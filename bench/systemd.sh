#!/usr/bin/env bash
# bench/systemd.sh - samples/echo_service.py under a booted systemd, frozen by Frost and run by
# /usr/bin/python3 in the same generated unit (the full default hardening set), side by side in
# one run. systemd runs in a container: systemd-nspawn over the root of scripts/systemd-root.sh
# (as the live tests do; needs root). The container shares the host's network: every request is
# a connection from here to 127.0.0.1.
#
#   bench/systemd.sh [BUILD_DIR]        (default .build/debug; N=20 rounds per figure)
#
# Figures (medians of N rounds, milliseconds):
#   start   `systemctl start` (Type=exec) until the first request is answered
#   stop    `systemctl stop` until it returns (the unit is inactive then)
#   socket  Accept=no: the first request to an idle socket, which starts the service
#   accept  Accept=yes: one request, one instance started for it
# Each round's systemctl goes through nsenter: the same few milliseconds for both programs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug}
N=${N:-20}
ROOT=$(scripts/systemd-root.sh)
W=$(mktemp -d /tmp/frost-bench-sd.XXXXXX)
M=frost-bench-$$
NSPAWN=
PID1=
cleanup() {
  if [ -n "$PID1" ]; then kill -s RTMIN+4 "$PID1" 2>/dev/null || true; fi
  if [ -n "$NSPAWN" ]; then
    for _ in $(seq 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$NSPAWN" 2>/dev/null || true
  fi
  for h in unified systemd; do
    [ -d "/sys/fs/cgroup/$h/frost-test-$M" ] && find "/sys/fs/cgroup/$h/frost-test-$M" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "/run/systemd/nspawn/propagate/$M" "$W"
}
trap cleanup EXIT

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"$BIN/frost" build samples/echo_service.py -o "$W/echo" 2>/dev/null

# One bundle per program and mode; the python3 one is the same unit with another ExecStart.
mkdir -p "$W/stage/opt/frost-bench"
cp samples/echo_service.py stubs/python/frost.py "$W/stage/opt/frost-bench/"
declare -A PORT
for mode in exec socket accept; do
  for prog in frozen python; do
    name=b-$prog-$mode
    PORT[$name]=$(port)
    case $mode in
      exec) flags=(--arg "${PORT[$name]}") ;;
      socket) flags=(--listen "127.0.0.1:${PORT[$name]}") ;;
      accept) flags=(--listen "127.0.0.1:${PORT[$name]}" --accept) ;;
    esac
    "$BIN/frost" service generate "$W/echo" --name "$name" "${flags[@]}" -o "$W/$name" --no-check >/dev/null
    if [ "$prog" = python ]; then
      for unit in "$W/$name"/*.service; do
        sed -i "s|^ExecStart=/usr/local/bin/$name|ExecStart=/usr/bin/python3 /opt/frost-bench/echo_service.py|" "$unit"
      done
    fi
    "$BIN/frost" service install "$W/$name" --root "$W/stage" >/dev/null
  done
done

sh -c 'for h in unified systemd; do mkdir -p /sys/fs/cgroup/$h/frost-test-$0 && echo $$ > /sys/fs/cgroup/$h/frost-test-$0/cgroup.procs; done
  exec systemd-nspawn -q -D "$1" -b -M "$0" --register=no --keep-unit --volatile=overlay' "$M" "$ROOT" \
  </dev/null >"$W/console" 2>&1 &
NSPAWN=$!
for _ in $(seq 300); do
  PID1=$(cut -d' ' -f1 "/proc/$NSPAWN/task/$NSPAWN/children" 2>/dev/null || true)
  [ -n "$PID1" ] && [ "$(cat "/proc/$PID1/comm" 2>/dev/null)" = systemd ] && break
  PID1=; sleep 0.1
done
[ -n "$PID1" ] || { echo "bench/systemd.sh: nspawn did not start systemd" >&2; exit 1; }
for _ in $(seq 300); do
  s=$(nsenter -t "$PID1" -a systemctl is-system-running 2>/dev/null || true)
  [ "$s" = running ] || [ "$s" = degraded ] && break
  sleep 0.1
done
tar -C "$W/stage" -cf - . | nsenter -t "$PID1" -m -- tar -C / -xf -
nsenter -t "$PID1" -a systemctl daemon-reload

/usr/bin/python3 - "$PID1" "$N" "$(declare -p PORT)" <<'PY'
import re, socket, statistics, subprocess, sys, time
pid1, n = sys.argv[1], int(sys.argv[2])
ports = dict(re.findall(r'\[([^]]+)\]="(\d+)"', sys.argv[3]))

def systemctl(*args):
    subprocess.run(["nsenter", "-t", pid1, "-a", "systemctl", *args], check=True,
                   stderr=subprocess.DEVNULL)

def request(port, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=timeout) as s:
                s.sendall(b"ping\n")
                s.shutdown(socket.SHUT_WR)
                data = b""
                while chunk := s.recv(4096):
                    data += chunk
                if data == b"ping\n":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"no answer on {port}")
        time.sleep(0.002)

def ms(f):
    t = time.perf_counter(); f(); return (time.perf_counter() - t) * 1000

# The two programs' rounds alternate (frozen, python, frozen, ...), so that a load that comes
# and goes on the shared host weighs on both alike.
progs = ("frozen", "python")
times = {prog: [[], [], [], []] for prog in progs}
for _ in range(n):
    for prog in progs:
        unit = f"b-{prog}-exec.service"
        systemctl("reset-failed", unit)  # 20 starts in a row would pass StartLimitBurst=
        times[prog][0].append(ms(lambda: (systemctl("start", unit), request(ports[f"b-{prog}-exec"]))))
        times[prog][1].append(ms(lambda: systemctl("stop", unit)))
for prog in progs:
    systemctl("start", f"b-{prog}-socket.socket")
for _ in range(n):
    for prog in progs:
        name = f"b-{prog}-socket"
        systemctl("stop", f"{name}.service")
        systemctl("reset-failed", f"{name}.service", f"{name}.socket")
        times[prog][2].append(ms(lambda: request(ports[name])))
for prog in progs:
    systemctl("start", f"b-{prog}-accept.socket")
    request(ports[f"b-{prog}-accept"])
for _ in range(n):
    for prog in progs:
        name = f"b-{prog}-accept"
        systemctl("reset-failed", f"{name}.socket")
        times[prog][3].append(ms(lambda: request(ports[name])))
rows = {prog: [statistics.median(x) for x in times[prog]] for prog in progs}

print(f"systemd in a container, {n} rounds each, medians in ms\n")
print("| | frozen (frost) | /usr/bin/python3 | frost / python3 |")
print("|---|---|---|---|")
labels = ["`systemctl start` to the first answer (Type=exec)", "`systemctl stop` to inactive",
          "first request to an idle socket (Accept=no)", "one request, one instance (Accept=yes)"]
for i, label in enumerate(labels):
    f, p = rows["frozen"][i], rows["python"][i]
    print(f"| {label} | {f:.1f} | {p:.1f} | {f / p:.2f} |")
PY
