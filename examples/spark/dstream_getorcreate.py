"""Legacy DStream job recovered with StreamingContext.getOrCreate (deprecated since Spark 3.4 but
still in pyspark 4.1: pyspark.streaming).

Counts words over files that appear in INPUT (textFileStream: only files that appear after the
stream started count, so the harness injects them once the job printed "chaos: ready"), keeping a
running count per word with updateStateByKey — state that exists only in the checkpoint — and
dstream.checkpoint(CHECKPOINT_BATCHES batches; the spec passes its {checkpoint-interval} knob, default 4,
which chaos tune --target varies). After each batch it writes the whole state atomically to
OUTPUT/state-<batch time ms>.json. It stops once INPUT_DONE exists and a batch later than it has
been written; the last state file is the answer (exactly-once: each word counted once per
occurrence, across kills).

    spark-submit --master local[2] dstream_getorcreate.py INPUT OUTPUT CHECKPOINT INPUT_DONE CHECKPOINT_BATCHES
"""
import json
import os
import time

from pyspark import SparkConf, SparkContext
from pyspark.streaming import StreamingContext

from chaos_spark import args, wait_for_go

BATCH_SECONDS = 1


def main():
    a = args(["input", "output", "checkpoint", "input_done", "checkpoint_batches"])
    checkpoint_batches = int(a["checkpoint_batches"])
    os.makedirs(a["output"], exist_ok=True)

    def write_state(t, rdd):
        rows = sorted(rdd.collect())
        name = os.path.join(a["output"], "state-%015d.json" % int(t.timestamp() * 1000))
        tmp = os.path.join(a["output"], ".tmp-state")
        with open(tmp, "w") as f:
            for word, count in rows:
                f.write(json.dumps({"word": word, "count": count}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, name)

    def create():
        sc = SparkContext.getOrCreate()  # started before "go", below
        ssc = StreamingContext(sc, BATCH_SECONDS)
        ssc.checkpoint(a["checkpoint"])
        words = ssc.textFileStream(a["input"]).map(lambda w: (w.strip(), 1))
        counts = words.updateStateByKey(lambda new, old: sum(new) + (old or 0))
        counts.checkpoint(checkpoint_batches * BATCH_SECONDS)
        counts.foreachRDD(write_state)
        return ssc

    # The SparkContext (JVM start-up) before "go"; getOrCreate reads the checkpoint only after it.
    sc = SparkContext.getOrCreate(SparkConf().setAppName("chaos-dstream"))
    sc.setLogLevel("WARN")
    wait_for_go(sc, python=True)
    ssc = StreamingContext.getOrCreate(a["checkpoint"], create)
    ssc.start()
    print("chaos: ready", flush=True)
    while not ssc.awaitTerminationOrTimeout(0.2):
        if not os.path.exists(a["input_done"]):
            continue
        done_ms = os.stat(a["input_done"]).st_mtime * 1000
        latest = max((int(n[6:21]) for n in os.listdir(a["output"]) if n.startswith("state-")), default=0)
        if latest > done_ms + 2000 * BATCH_SECONDS:
            # Not a graceful stop: the answer (a state file after the done marker) is already
            # written, and a graceful stop of a file stream can hang on a loaded machine (seen:
            # BatchedWriteAheadLog "close() was called ... before write request" then no exit).
            ssc.stop(stopSparkContext=True, stopGraceFully=False)
            break
    time.sleep(0.1)


if __name__ == "__main__":
    main()
