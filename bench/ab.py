#!/usr/bin/python3
"""bench/ab.py - compare commands run by run, interleaved, on a noisy machine.

    /usr/bin/python3 bench/ab.py N 'CMD A' 'CMD B' ['CMD C' ...]

Runs each command 3 times to warm up, then N rounds in which every command runs once (the
order reversed every other round), so that a slow minute of a shared machine hits all of them
alike; hyperfine runs one command's runs back to back. Prints, per command, the median, the
first quartile and the mean wall time of a run (its stdout discarded), and the ratio of
medians to the last command. Commands are split on spaces (no shell).
"""
import os
import statistics
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 3 or not argv[1].isdigit():
        sys.exit("usage: ab.py N 'CMD A' 'CMD B' ...")
    rounds, commands = int(argv[1]), argv[2:]
    times = {c: [] for c in commands}
    with open(os.devnull, "w") as null:
        def run(command):
            start = time.perf_counter()
            subprocess.run(command.split(), stdout=null, check=False)
            return time.perf_counter() - start

        for c in commands:
            for _ in range(3):
                run(c)
        for i in range(rounds):
            for c in commands if i % 2 == 0 else commands[::-1]:
                times[c].append(run(c))
    base = statistics.median(times[commands[-1]])
    for c in commands:
        v = sorted(times[c])
        median = statistics.median(v)
        print(f"{c[:60]:60s} median {median * 1e3:7.2f} ms  q1 {v[len(v) // 4] * 1e3:7.2f}"
              f"  mean {statistics.mean(v) * 1e3:7.2f}  ratio {median / base:.3f}")


if __name__ == "__main__":
    main(sys.argv)
