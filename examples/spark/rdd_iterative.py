"""RDD job with reliable checkpoints on an iterative lineage.

Reads words, counts them, then iterates a deterministic update on every (word, value) pair; every
third iteration the RDD is marked with rdd.checkpoint() (SparkContext.setCheckpointDir) and
materialised by count(), which writes it to the checkpoint directory and cuts its lineage — what
keeps a long iterative lineage (PageRank, ALS) from growing without bound.

An RDD checkpoint is not reused by a new application: a driver killed mid-job reruns the job from
its input. What recovery must guarantee here is the output: it is written to a temporary directory
and renamed to OUTPUT/result in one step, so a kill leaves either no result or the whole result,
and a rerun never appends to a half-written one.

    spark-submit --master local[2] rdd_iterative.py INPUT OUTPUT CHECKPOINT
"""
import json
import os
import shutil

from pyspark.sql import SparkSession

from chaos_spark import args, wait_for_go

ITERATIONS = 6
CHECKPOINT_EVERY = 3


def step(i):
    return lambda kv: (kv[0], (kv[1] * 31 + i) % 1000003)


def main():
    a = args(["input", "output", "checkpoint"])
    spark = SparkSession.builder.appName("chaos-rdd-iterative").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    wait_for_go()
    sc.setCheckpointDir(a["checkpoint"])
    rdd = sc.textFile(a["input"]).map(lambda w: (w.strip(), 1)).reduceByKey(lambda x, y: x + y, 2)
    for i in range(1, ITERATIONS + 1):
        rdd = rdd.map(step(i))
        if i % CHECKPOINT_EVERY == 0:
            rdd.checkpoint()
            rdd.count()
    result = os.path.join(a["output"], "result")
    if os.path.exists(result):
        print("chaos: result already complete", flush=True)
    else:
        tmp = os.path.join(a["output"], f".tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        rdd.map(lambda kv: json.dumps({"word": kv[0], "value": kv[1]})).saveAsTextFile(tmp)
        os.rename(tmp, result)
    spark.stop()


if __name__ == "__main__":
    main()
