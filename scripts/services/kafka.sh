#!/usr/bin/env bash
# Kafka broker (org.apache.kafka:kafka_2.13, KRaft; no ZooKeeper in 4.x) from Maven Central:
# a tiny pom + `mvn dependency:copy-dependencies` puts the broker's runtime jars in
# <root>/kafka/libs; the harness runs `java -cp libs/* kafka.Kafka <props>` with the machine's
# Java 17 (harness/services/kafka-process.ts), formatting storage with kafka.tools.StorageTool
# (checked: both classes are in kafka_2.13-4.1.1.jar). log4j2 is the SLF4J binding; slf4j-api is
# pinned to 2.x because the broker's transitive 1.7.x would not see log4j-slf4j2-impl.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KAFKA_VERSION=4.1.1
LOG4J_VERSION=2.25.3
SLF4J_VERSION=2.0.17
VERSION="$KAFKA_VERSION+log4j-$LOG4J_VERSION"
dir="$CHAOS_SERVICES_DIR/kafka"

if already_installed kafka "$VERSION"; then
  log "kafka $VERSION already installed in $dir ($(size_of "$dir/libs")): skipped"
  exit 0
fi
need java "install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)"
need mvn "install Maven (e.g. apt-get install maven)"

log "kafka: fetching kafka_2.13 $KAFKA_VERSION and its runtime jars from Maven Central"
rm -rf "$dir"
mkdir -p "$dir"
cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.checkpoint-chaos</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -Dstyle.color=never -f "$dir/pom.xml" \
  -Dmaven.repo.local="$CHAOS_SERVICES_DIR/.m2" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs"

# Quiet broker: warnings and errors only, on stderr (the harness keeps them in the data dir's log).
cat > "$dir/log4j2.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="err" target="SYSTEM_ERR"><PatternLayout pattern="[%d{HH:mm:ss.SSS}] %p %c{1}: %m%n"/></Console>
  </Appenders>
  <Loggers>
    <Root level="warn"><AppenderRef ref="err"/></Root>
  </Loggers>
</Configuration>
XML

# Read the listing first: `unzip -l | grep -q` under pipefail fails whenever grep stops reading early.
listing="$(unzip -l "$dir/libs/kafka_2.13-$KAFKA_VERSION.jar")"
for cls in kafka/Kafka.class kafka/tools/StorageTool.class; do
  grep -q " $cls\$" <<<"$listing" || { log "kafka: $cls not found in kafka_2.13-$KAFKA_VERSION.jar"; exit 1; }
done
write_ready kafka "$VERSION" "{\"libs\":\"$dir/libs\",\"log4j\":\"$dir/log4j2.xml\",\"mainClass\":\"kafka.Kafka\",\"storageTool\":\"kafka.tools.StorageTool\",\"kafkaVersion\":\"$KAFKA_VERSION\"}"
log "kafka $VERSION installed in $dir ($(ls "$dir/libs" | wc -l) jars, $(size_of "$dir/libs"))"
