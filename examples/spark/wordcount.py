"""Structured Streaming word count with running state: file source -> file sink.

Each input file holds one word per line. Every micro-batch (maxFilesPerTrigger=1) updates a
running count per word kept in Spark's state store (applyInPandasWithState, HDFS state provider)
and appends one row {"word", "file", "count"} per word and input file — the running count after
that file — to a JSON file sink, whose _spark_metadata log makes the output exactly-once.

Why per file and not per batch: Spark fixes a batch's input only once offsets/N is written. A
batch planned but not yet logged when the driver dies may be planned again with more files (seen
here: after a kill just after sources/0/N was written, the restarted query put two files in one
batch despite maxFilesPerTrigger=1). Rows keyed by file are the same however files fall into
batches, so the output is comparable with a failure-free run; rows "per batch" would not be. trigger(availableNow=True) processes what is in the input
directory and ends: a bounded run that exits 0.

    spark-submit --master local[2] wordcount.py INPUT OUTPUT CHECKPOINT
"""
import os

import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming.state import GroupStateTimeout

from chaos_spark import args, wait_for_go


def running_count(key, batches, state):
    total = state.get[0] if state.exists else 0
    rows = pd.concat(list(batches))
    files, counts = [], []
    for file, n in rows.groupby("file").size().sort_index().items():
        total += int(n)
        files.append(file)
        counts.append(total)
    state.update((total,))
    yield pd.DataFrame({"word": [key[0]] * len(files), "file": files, "count": counts})


def running_counts(spark, input_dir):
    """The streaming DataFrame of running counts (word, file, count) over the files in input_dir."""
    # The checkpoint interval chaos tune varies: input files per micro-batch (each batch is a checkpoint).
    per_batch = int(os.environ.get("CHAOS_CHECKPOINT_INTERVAL", "1"))
    words = spark.readStream.format("text").option("maxFilesPerTrigger", per_batch).load(input_dir).select(F.col("value").alias("word"), F.col("_metadata.file_name").alias("file"))
    counts = words.groupBy("word").applyInPandasWithState(
        running_count,
        outputStructType="word string, file string, count long",
        stateStructType="count long",
        outputMode="append",
        timeoutConf=GroupStateTimeout.NoTimeout,
    )
    return counts


def main():
    a = args(["input", "output", "checkpoint"])
    spark = SparkSession.builder.appName("chaos-wordcount").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    wait_for_go()
    counts = running_counts(spark, a["input"])
    query = (
        counts.writeStream.format("json")
        .option("path", a["output"])
        .option("checkpointLocation", a["checkpoint"])
        .outputMode("append")
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    spark.stop()


if __name__ == "__main__":
    main()
