#!/usr/bin/env bash
# A tiny shell program for the README, the tests and the benchmarks.
echo "hello from $(basename "$0") (pid $$), $# argument(s)"
for arg in "$@"; do printf '  [%s]\n' "$arg"; done
