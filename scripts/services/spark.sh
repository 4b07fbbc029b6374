#!/usr/bin/env bash
# Apache Spark for external chaos targets (harness/targets, examples/spark): pyspark from PyPI
# (bundles the Spark jars and spark-submit; runs on the machine's Java 17) with pandas/pyarrow
# (applyInPandasWithState in examples/spark/wordcount.py) in a venv, plus the failpoint jar
# (harness/targets/spark/failpoints) compiled with Maven against exactly the jars pyspark ships.
# The version in ready.json includes a hash of the failpoint sources: editing them rebuilds.
# Layout: <root>/spark/venv, <root>/spark/failpoints/spark-failpoints.jar, <root>/spark/ready.json
set -euo pipefail
. "$(dirname "$0")/lib.sh"
project="$(cd "$(dirname "$0")/../.." && pwd)"

PYSPARK_VERSION=4.1.1
PANDAS_VERSION=2.3.3
PYARROW_VERSION=22.0.0
NUMPY_VERSION=2.3.5
fpdir="$project/harness/targets/spark/failpoints"
fphash=$(cd "$fpdir" && find pom.xml src -type f | sort | xargs sha256sum | sha256sum | cut -c1-12)
VERSION="$PYSPARK_VERSION+failpoints-$fphash"
dir="$CHAOS_SERVICES_DIR/spark"

if already_installed spark "$VERSION"; then
  log "spark $VERSION already installed in $dir ($(size_of "$dir")): skipped"
  exit 0
fi
need python3 "install Python 3.10+ with venv (e.g. apt-get install python3-venv)"
need java "install a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless)"
need mvn "install Maven (e.g. apt-get install maven)"
rm -f "$dir/ready.json"
mkdir -p "$dir/failpoints"

venv="$dir/venv"
if "$venv/bin/python" -c "import pyspark, pandas, pyarrow; assert pyspark.__version__ == '$PYSPARK_VERSION'" 2>/dev/null; then
  log "spark: pyspark $PYSPARK_VERSION already in $venv"
else
  t=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir \
    "pyspark==$PYSPARK_VERSION" "pandas==$PANDAS_VERSION" "pyarrow==$PYARROW_VERSION" "numpy==$NUMPY_VERSION"
  log "spark: pip installed pyspark $PYSPARK_VERSION, pandas $PANDAS_VERSION, pyarrow $PYARROW_VERSION in $(( $(date +%s) - t )) s"
fi
home="$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
jars="$home/jars"
jar_version() { ls "$jars" | sed -n "s/^$1-\([0-9][0-9.]*\)\.jar$/\1/p" | sed -n 1p; }
hadoop_version=$(jar_version hadoop-client-api)
scala_version=$(jar_version scala-library)

t=$(date +%s)
mvn -q -B -Dstyle.color=never -f "$fpdir/pom.xml" package \
  -Dspark.version="$PYSPARK_VERSION" -Dspark.jars="$jars" -Dhadoop.version="$hadoop_version" \
  -Dscala.version="$scala_version" -Dchaos.build.dir="$dir/failpoints/build"
cp "$dir/failpoints/build/spark-failpoints.jar" "$dir/failpoints/spark-failpoints.jar"
log "spark: built the failpoint jar with Maven in $(( $(date +%s) - t )) s"

# Prove Spark starts on this Java; spark-submit needs SPARK_HOME (else it asks the python3 on PATH).
t=$(date +%s)
java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')
reported=$(SPARK_HOME="$home" PYSPARK_PYTHON="$venv/bin/python" "$home/bin/spark-submit" --version 2>&1 | sed -n 's/.*version \([0-9][0-9.]*\)$/\1/p' | sed -n 1p)
if [ "$reported" != "$PYSPARK_VERSION" ]; then log "spark: spark-submit --version reported '$reported', expected $PYSPARK_VERSION"; exit 1; fi
log "spark: spark-submit $reported runs on Java $java_version (checked in $(( $(date +%s) - t )) s)"

write_ready spark "$VERSION" "{\"home\":\"$home\",\"sparkSubmit\":\"$home/bin/spark-submit\",\"python\":\"$venv/bin/python\",\"failpointJar\":\"$dir/failpoints/spark-failpoints.jar\",\"spark\":\"$PYSPARK_VERSION\",\"java\":\"$java_version\",\"scala\":\"$scala_version\",\"hadoop\":\"$hadoop_version\"}"
log "spark: ready ($dir/ready.json, $(size_of "$dir"))"
