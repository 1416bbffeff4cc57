# bench/lib.sh - measurement helpers shared by the bench scripts (source it; not a test).
# Every figure comes from real runs on this machine; compare ratios measured in one run.

# Peak resident set size of a run, in kB (GNU time): the median of 7 runs.
peak_rss_kb() {
  # One run's peak can be 2 MB above the others (where a huge page lands).
  local log=/tmp/frost-bench-rss.$$
  for _ in 1 2 3 4 5 6 7; do
    /usr/bin/time -f '%M' -o "$log" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$log"
  done | sort -n | sed -n 4p
  rm -f "$log"
}

# Files created or opened for writing during one run, and the processes it made:
# prints "FILES PROCS".
files_and_procs() {
  local log=/tmp/frost-bench-strace.$$
  strace -f -qq -o "$log" -e trace=open,openat,creat,clone,clone3,fork,vfork "$@" >/dev/null 2>&1 || true
  local files procs
  files=$(grep -E 'O_CREAT|O_WRONLY|O_RDWR|creat\(' "$log" | grep -v -E '"/dev/(tty|null)"' \
    | grep -v ' = -1 ' | wc -l)
  procs=$(( $(grep -E '^[0-9]+ +(clone|clone3|fork|vfork)\(' "$log" | grep -v ' = -1 ' \
    | grep -v 'CLONE_THREAD' | wc -l) + 1 ))
  rm -f "$log"
  echo "$files $procs"
}

# Mean wall time in milliseconds of COMMAND (a string run without a shell) over hyperfine runs.
mean_ms() {
  local json=/tmp/frost-bench-hf.$$.json
  hyperfine -N --warmup 3 --min-runs 20 --export-json "$json" "$1" >/dev/null 2>&1
  /usr/bin/python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["mean"]*1000))' "$json"
  rm -f "$json"
}

# Wall seconds of one run of a command.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  /usr/bin/python3 -c "print('%.2f' % ($end - $start))"
}

# The median wall time of 3 runs of a command, in seconds: one run can stall on the shared host
# (run W's first build of hello took 1.64 s, against 0.16-0.25 s warm and 0.53 s with every
# cache dropped).
median_seconds() {
  local a b c
  a=$(seconds "$@"); b=$(seconds "$@"); c=$(seconds "$@")
  printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}

# Size in MB (decimal) of a file or folder.
size_mb() {
  du -sb "$1" | awk '{printf "%.2f", $1/1000000}'
}

# The median ms of each of the commands (strings run without a shell), their runs
# interleaved (A B C A B C ...; 3 warm-ups each, then 31 each) so that a load that comes and
# goes on the shared host weighs on all alike: "A B C", with DIGITS decimals.
interleaved() {
  /usr/bin/python3 - "$@" <<'PY'
import shlex, statistics, subprocess, sys, time
digits, cmds = int(sys.argv[1]), [shlex.split(c) for c in sys.argv[2:]]
times = [[] for _ in cmds]
for i in range(34):
    for k, cmd in enumerate(cmds):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i >= 3:
            times[k].append(time.perf_counter() - t)
print(" ".join("%.*f" % (digits, statistics.median(t) * 1000) for t in times))
PY
}

# The same for two commands: "A B", with DIGITS decimals (default 1).
medians() { interleaved "${3:-1}" "$1" "$2"; }

# A / B with two decimals.
ratio() { /usr/bin/python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
