"""Structured Streaming over Kafka: the windowed aggregation of windowed.py, reading its events
from a Kafka topic instead of files, into a JSON file sink (exactly-once through _spark_metadata).

The Kafka source keeps the topic's offsets in the checkpoint (offsets/N holds, per partition, where
batch N ends): after a kill, batch N is re-read from exactly those offsets. maxOffsetsPerTrigger
splits the topic into several micro-batches; availableNow reads what the topic holds at the start
and exits. Needs Spark's Kafka connector on the classpath (spec: --jars {spark-kafka-jars}).

    spark-submit --jars <spark-sql-kafka-0-10 + deps> kafka_windowed.py BROKERS TOPIC OUTPUT CHECKPOINT
"""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from chaos_spark import args, wait_for_go
from windowed import EVENT_SCHEMA, windowed, write_file_sink


def main():
    a = args(["brokers", "topic", "output", "checkpoint"])
    spark = SparkSession.builder.appName("chaos-kafka-windowed").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    wait_for_go(spark)
    records = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", a["brokers"])
        .option("subscribe", a["topic"])
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", 10)
        .option("failOnDataLoss", "true")
        .load()
    )
    events = records.select(F.from_json(F.col("value").cast("string"), EVENT_SCHEMA).alias("e")).select("e.*")
    write_file_sink(windowed(events), a["output"], a["checkpoint"])
    spark.stop()


if __name__ == "__main__":
    main()
