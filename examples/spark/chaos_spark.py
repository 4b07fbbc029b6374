"""Shared by the example Spark jobs: argument parsing, the test-friendly session settings the
harness expects, and the "pre-started driver" handshake.

A pre-started driver (environment CHAOS_GO_FILE set) builds its SparkSession — the JVM start-up,
which dominates a Spark trial — and only then waits until the harness creates that file before it
touches its checkpoint or input. The harness starts the next incarnation while the current one
runs, so a restart after a kill costs only the wait for "go". Without CHAOS_GO_FILE it starts at
once. Must NOT read the checkpoint, the input or the output before "go".
"""
import os
import sys
import time


def args(names):
    """The job's positional arguments by name (e.g. input output checkpoint), or a usage error (exit 2)."""
    if len(sys.argv) - 1 != len(names):
        print(f"usage: {os.path.basename(sys.argv[0])} {' '.join(n.upper() for n in names)}", file=sys.stderr)
        sys.exit(2)
    return dict(zip(names, sys.argv[1:]))


def wait_for_go():
    """Block until the harness says go (when it asked for a pre-started driver)."""
    go = os.environ.get("CHAOS_GO_FILE")
    if not go:
        return
    print("chaos: waiting for go", flush=True)
    while not os.path.exists(go):
        time.sleep(0.02)
    print("chaos: go", flush=True)
