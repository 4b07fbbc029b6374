/**
 * The installed Spark, found only through `<services root>/spark/ready.json` (written last by
 * scripts/services/spark.sh), and the spark-submit arguments the harness adds: the test-friendly
 * settings and the failpoint jar (harness/targets/spark/failpoints) with the failpoints of one
 * incarnation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../engine/index.js';

export interface SparkInstall {
  version: string;
  java: string;
  scala: string;
  hadoop: string;
  home: string;
  sparkSubmit: string;
  python: string;
  failpointJar: string;
}

export const NOT_INSTALLED = 'not installed: run npm run services:install';

/** `${CHAOS_SERVICES_DIR:-<project>/.services}`. */
export function servicesRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CHAOS_SERVICES_DIR']) return path.resolve(env['CHAOS_SERVICES_DIR']);
  // <project>/harness/targets/spark (source) or <project>/dist/harness/targets/spark (compiled)
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, '.services');
}

/** The installed Spark, or undefined when its ready.json is absent (not installed, or not completely). */
export function findSpark(env: NodeJS.ProcessEnv = process.env): SparkInstall | undefined {
  const file = path.join(servicesRoot(env), 'spark', 'ready.json');
  let raw: { version?: string; paths?: Record<string, string> };
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const p = raw.paths ?? {};
  if (!raw.version || !p['home'] || !p['sparkSubmit'] || !p['python'] || !p['failpointJar']) return undefined;
  return { version: p['spark'] ?? raw.version, java: p['java'] ?? '?', scala: p['scala'] ?? '?', hadoop: p['hadoop'] ?? '?', home: p['home'], sparkSubmit: p['sparkSubmit'], python: p['python'], failpointJar: p['failpointJar'] };
}

export function requireSpark(): SparkInstall {
  const spark = findSpark();
  if (!spark) throw new UserError(`Spark ${NOT_INSTALLED} (no ${path.join(servicesRoot(), 'spark', 'ready.json')})`);
  return spark;
}

/**
 * JVM flags for a driver that lives seconds to a minute: the C1 compiler only (no C2 warm-up work
 * competing for the 2 cores) and the serial collector. Measured in `npm run bench` (spark section).
 */
export const SHORT_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** Settings for a small, fast, local test run: few shuffle partitions, no UI, loopback only. */
export function sparkTestConf(): string[] {
  const conf = {
    'spark.sql.shuffle.partitions': '2',
    'spark.ui.enabled': 'false',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.driver.host': '127.0.0.1',
    'spark.sql.streaming.stopTimeout': '5s',
  };
  return Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]);
}

/**
 * spark-submit arguments that plug the failpoint jar in: its checkpoint file manager (offsets,
 * commits, metadata, state, _spark_metadata) and local file system (RDD and DStream checkpoints),
 * armed with `failpoints` (`name:occurrence:action,...`), reporting every point reached to `eventsFile`.
 */
export function sparkFailpointArgs(spark: SparkInstall, failpoints: string, eventsFile: string): string[] {
  const javaOpts = [...SHORT_JVM, `-Dchaos.events=${eventsFile}`, ...(failpoints ? [`-Dchaos.failpoints=${failpoints}`] : [])].join(' ');
  return [
    '--driver-class-path',
    spark.failpointJar,
    '--conf',
    'spark.sql.streaming.checkpointFileManagerClass=chaos.spark.FailpointCheckpointFileManager',
    '--conf',
    'spark.hadoop.fs.file.impl=chaos.spark.FailpointLocalFileSystem',
    '--conf',
    'spark.hadoop.fs.file.impl.disable.cache=true',
    '--conf',
    `spark.driver.extraJavaOptions=${javaOpts}`,
  ];
}

/** Environment spark-submit needs: SPARK_HOME (else it asks the python3 on PATH) and the venv's python for workers. */
export function sparkEnv(spark: SparkInstall): Record<string, string> {
  return { SPARK_HOME: spark.home, PYSPARK_PYTHON: spark.python, PYSPARK_DRIVER_PYTHON: spark.python };
}
