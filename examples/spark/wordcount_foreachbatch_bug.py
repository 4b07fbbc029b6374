"""PLANTED BUG — the running word count of wordcount.py with a foreachBatch sink that appends each
micro-batch to OUTPUT without deduplicating by batch id, while its target spec declares
exactly-once. Spark re-runs a batch whose commits/N was not written before a crash (it must: the
sink's write is not part of the commit), so a kill between the sink write and the commit appends
the same rows twice. The harness must catch the duplicates. The correct version would write each
batch to a directory named by its batch id and skip ids already complete (or use the file sink).

    spark-submit --master local[2] wordcount_foreachbatch_bug.py INPUT OUTPUT CHECKPOINT
"""
from pyspark.sql import SparkSession

from chaos_spark import args, wait_for_go
from wordcount import running_counts


def main():
    a = args(["input", "output", "checkpoint"])
    spark = SparkSession.builder.appName("chaos-wordcount-foreachbatch-bug").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    wait_for_go()

    def append_batch(df, batch_id):
        # The bug: no check whether batch_id was already written by an earlier, killed incarnation.
        df.write.mode("append").json(a["output"])

    query = (
        running_counts(spark, a["input"])
        .writeStream.foreachBatch(append_batch)
        .option("checkpointLocation", a["checkpoint"])
        .outputMode("append")
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    spark.stop()


if __name__ == "__main__":
    main()
