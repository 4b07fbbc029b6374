/**
 * The real services (`npm run services:install`): what they cost and what a chaos run against
 * them does. Skipped, saying how to install, when a component is missing.
 *
 * - services.<c>.installSeconds / sizeMB: recorded by the install script in ready.json (the first,
 *   cold install on this machine) and the size of <root>/<c> now (SeaweedFS: the binary; its Go
 *   module and build caches under <root>/.go are counted in services.go.cacheMB);
 * - services.<c>.coldStartToReadyMs (Kafka: storage format + JVM start + first Metadata answer;
 *   SeaweedFS: start + first S3 round trip), restartToReadyMs (SIGKILL, restart on the same data),
 *   peakRssMB (VmHWM of the server process);
 * - services.seaweedfs.ifNoneMatch32.winners: 32 concurrent `If-None-Match: *` PUTs of one key (goal: exactly 1);
 * - chaos.kafka.* / chaos.s3seaweedfs.*: `chaos run --mode process --services local --budget 3m`
 *   with --source kafka --sink kafka, and with --store s3 (SeaweedFS); trials, kills, broker or
 *   storage faults, zombies, verdict (1 = all held). CHAOS_BENCH_RUN_BUDGET changes the budget.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { findInstalled, NOT_INSTALLED, servicesRoot } from '../harness/services/installed.js';
import { KafkaBroker } from '../harness/services/kafka-broker.js';
import { SeaweedFsServer } from '../harness/services/seaweedfs-server.js';
import { distEntry } from '../harness/services/dist-entry.js';
import { isPreconditionFailed, S3Objects } from '../engine/checkpoint/s3-objects.js';
import type { RunSummary } from '../harness/history.js';

function sizeMB(p: string): number {
  const r = fs.statSync(p, { throwIfNoEntry: false });
  if (!r) return 0;
  if (!r.isDirectory()) return r.size / 1e6;
  let total = 0;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) total += e.isSymbolicLink() ? 0 : sizeMB(path.join(p, e.name));
  return total;
}

/** Peak resident set (VmHWM) of a process and its group, MB. */
function peakRssMB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function installFigures(component: 'kafka' | 'seaweedfs', out: Record<string, number>, log: (l: string) => void): void {
  const dir = path.join(servicesRoot(), component);
  try {
    const ready = JSON.parse(fs.readFileSync(path.join(dir, 'ready.json'), 'utf8')) as { installSeconds?: number; version: string };
    if (typeof ready.installSeconds === 'number') out[`services.${component}.installSeconds`] = ready.installSeconds;
    else log(`${component}: install time not recorded (installed before ready.json carried installSeconds)`);
  } catch {
    // not installed: caller checked
  }
  out[`services.${component}.sizeMB`] = Math.round(sizeMB(dir));
}

const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function chaosRun(args: string[], log: (l: string) => void): Promise<RunSummary | undefined> {
  const out = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'chaos-bench-run-'));
  try {
    const r = await execa(process.execPath, [distEntry('harness/cli.js'), 'run', ...args, '--json', '--out', out], { reject: false, env: { NO_COLOR: '1' } });
    if (!r.stdout.trim()) {
      log(`chaos run ${args.join(' ')} printed no summary (exit ${r.exitCode}): ${r.stderr.split('\n').slice(-3).join(' | ')}`);
      return undefined;
    }
    const summary = JSON.parse(r.stdout) as RunSummary;
    log(`chaos run ${args.join(' ')}: exit ${r.exitCode}, ${summary.ok ? 'all properties held' : `${summary.failures.length} FAILED`}`);
    return summary;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function runFigures(prefix: string, s: RunSummary | undefined, out: Record<string, number>, log: (l: string) => void): void {
  if (!s) return;
  const hits = (kind: string) => s.faultKinds.find((k) => k.kind === kind)?.hits ?? 0;
  const armed = (kind: string) => s.faultKinds.find((k) => k.kind === kind)?.trials ?? 0;
  out[`${prefix}.trials`] = s.trials;
  out[`${prefix}.kills`] = s.kills;
  out[`${prefix}.brokerKills`] = hits('broker-restart');
  out[`${prefix}.storageFaults`] = hits('storage-restart') + hits('storage-outage');
  out[`${prefix}.zombies`] = hits('zombie');
  out[`${prefix}.allHeld`] = s.ok ? 1 : 0;
  const mismatched = (s.servicesOpened ?? []).filter((t) => t.mismatches.length > 0).length;
  out[`${prefix}.trialsNotOnAskedServices`] = mismatched;
  log(
    `${prefix}: ${s.trials} trials, ${s.kills} kills, broker kills ${hits('broker-restart')} (armed in ${armed('broker-restart')}), ` +
      `storage faults ${hits('storage-restart') + hits('storage-outage')}, zombies ${hits('zombie')} (armed in ${armed('zombie')}), ` +
      `verdict ${s.ok ? 'all held' : 'FAILED'}, trials not on the asked services ${mismatched} (goal 0: ${goal(mismatched === 0)})`,
  );
  for (const f of s.failures.slice(0, 3)) log(`  failure ${f.trialId}: ${f.message.slice(0, 200)}`);
}

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const kafka = findInstalled('kafka');
  const weed = findInstalled('seaweedfs');
  if (!kafka) log(`kafka ${NOT_INSTALLED}: Kafka figures skipped`);
  if (!weed) log(`seaweedfs ${NOT_INSTALLED}: SeaweedFS figures skipped`);
  if (!kafka && !weed) return out;
  out['services.go.cacheMB'] = Math.round(sizeMB(path.join(servicesRoot(), '.go')));

  if (kafka) {
    installFigures('kafka', out, log);
    const t0 = Date.now();
    const broker = await KafkaBroker.start();
    try {
      out['services.kafka.coldStartToReadyMs'] = Date.now() - t0;
      await broker.restart();
      out['services.kafka.restartToReadyMs'] = broker.lastReadyMs;
      out['services.kafka.peakRssMB'] = Math.round(peakRssMB(broker.pid));
    } finally {
      await broker.stop();
    }
    log(`kafka ${kafka.version}: cold start to ready ${out['services.kafka.coldStartToReadyMs']} ms, restart ${out['services.kafka.restartToReadyMs']} ms, peak RSS ${out['services.kafka.peakRssMB']} MB`);
  }
  if (weed) {
    installFigures('seaweedfs', out, log);
    const t0 = Date.now();
    const server = await SeaweedFsServer.start({ buckets: ['chaos'] });
    try {
      out['services.seaweedfs.coldStartToReadyMs'] = Date.now() - t0;
      const objects = new S3Objects({ endpoint: server.endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket: 'chaos', prefix: '', retry: { attempts: 1, attemptTimeoutMs: 20_000, totalTimeoutMs: 20_000 } });
      try {
        const results = await Promise.allSettled(Array.from({ length: 32 }, (_, i) => objects.put('race/key', Buffer.from(`w${i}`), { 'If-None-Match': '*' })));
        const winners = results.filter((r) => r.status === 'fulfilled').length;
        const refused = results.filter((r) => r.status === 'rejected' && isPreconditionFailed(r.reason)).length;
        out['services.seaweedfs.ifNoneMatch32.winners'] = winners;
        out['services.seaweedfs.ifNoneMatch32.refused412'] = refused;
        log(`seaweedfs: 32 concurrent If-None-Match PUTs of one key: ${winners} succeeded, ${refused} got 412 (goal exactly 1: ${goal(winners === 1 && refused === 31)})`);
      } finally {
        await objects.close();
      }
      await server.restart();
      out['services.seaweedfs.restartToReadyMs'] = server.lastReadyMs;
      out['services.seaweedfs.peakRssMB'] = Math.round(peakRssMB(server.pid));
    } finally {
      await server.stop();
    }
    log(`seaweedfs ${weed.version}: cold start to ready ${out['services.seaweedfs.coldStartToReadyMs']} ms, restart ${out['services.seaweedfs.restartToReadyMs']} ms, peak RSS ${out['services.seaweedfs.peakRssMB']} MB`);
  }

  const budget = process.env.CHAOS_BENCH_RUN_BUDGET ?? '3m';
  const streaming = 'wordcount,running-totals,windowed-counts,enrichment-join';
  if (kafka) {
    runFigures('chaos.kafka.exactlyOnce', await chaosRun(['--mode', 'process', '--services', 'local', '--source', 'kafka', '--sink', 'kafka', '--scenario', streaming, '--budget', budget, '--seed', '1'], log), out, log);
  }
  if (weed) {
    runFigures('chaos.s3seaweedfs', await chaosRun(['--mode', 'process', '--services', 'local', '--store', 's3', '--scenario', streaming, '--budget', budget, '--seed', '1'], log), out, log);
  }
  return out;
}
