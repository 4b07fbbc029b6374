"""Shared by the example Spark jobs: argument parsing, the test-friendly session settings the
harness expects, and the "pre-started driver" handshake.

A pre-started driver (environment CHAOS_GO_FILE set) builds its SparkSession — the JVM start-up,
which dominates a Spark trial — warms up (a small SQL aggregation with a shuffle, and with
python=True a small RDD job that starts the Python worker daemon: class loading, code generation
and the first tasks' set-up are then paid before go), and only then waits until the harness creates
that file before it touches its checkpoint or input. The harness starts the next incarnation while
the current one runs, so a restart after a kill costs only what comes after "go". Without
CHAOS_GO_FILE it starts at once, without warm-up. Must NOT read the checkpoint, the input or the
output before "go" (the warm-up reads and writes no file).
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


def warm_up(spark, python):
    """Pay before go what the first batch would pay: SQL planning, code generation, a shuffle, and
    (python=True) the Python worker daemon. Touches no file; measured in npm run bench (spark)."""
    t = time.time()
    if hasattr(spark, "sparkContext"):  # a SparkSession (a SparkContext has no SQL)
        spark.range(0, 64, 1, 2).selectExpr("id % 4 AS k").groupBy("k").count().collect()
        sc = spark.sparkContext
    else:
        sc = spark
    if python:
        sc.parallelize(range(8), 2).map(lambda x: (x % 2, 1)).reduceByKey(lambda a, b: a + b).collect()
    print(f"chaos: warmed up in {time.time() - t:.1f} s", flush=True)


def wait_for_go(spark=None, python=False):
    """Block until the harness says go (when it asked for a pre-started driver), warmed up first
    when given the SparkSession (or SparkContext)."""
    go = os.environ.get("CHAOS_GO_FILE")
    if not go:
        return
    if spark is not None:
        warm_up(spark, python)
    print("chaos: waiting for go", flush=True)
    while not os.path.exists(go):
        time.sleep(0.02)
    print("chaos: go", flush=True)
