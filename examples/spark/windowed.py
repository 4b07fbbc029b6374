"""Structured Streaming windowed aggregation with a watermark: file source -> JSON file sink.

Input: JSON lines {"key", "ts" (epoch seconds), "value"}, a little out of order. Counts and sums
per key over 20-second tumbling event-time windows, with a 30-second watermark; append mode emits a
window once the watermark has passed its end, into a file sink (exactly-once through
_spark_metadata). availableNow: a bounded run that processes what is there and exits.

The input's disorder (at most 8 s) stays inside the watermark delay, so no row is late: which
windows are emitted depends only on the data, not on how a restart re-plans unlogged batches —
the output is comparable with a failure-free run.

    spark-submit --master local[2] windowed.py INPUT OUTPUT CHECKPOINT
"""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from chaos_spark import args, wait_for_go


def main():
    a = args(["input", "output", "checkpoint"])
    spark = SparkSession.builder.appName("chaos-windowed").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    wait_for_go()
    events = (
        spark.readStream.format("json")
        .schema("key string, ts long, value long")
        .option("maxFilesPerTrigger", 1)
        .load(a["input"])
        .withColumn("time", F.col("ts").cast("timestamp"))
    )
    windows = (
        events.withWatermark("time", "30 seconds")
        .groupBy(F.window("time", "20 seconds"), "key")
        .agg(F.count("*").alias("n"), F.sum("value").alias("total"))
        .select(F.col("window.start").cast("long").alias("start"), "key", "n", "total")
    )
    query = (
        windows.writeStream.format("json")
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
