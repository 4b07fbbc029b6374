/**
 * The published surface, as a user gets it: `npm pack` this package, install the tarball into a
 * temp copy of examples/own-job (vitest from the registry, --prefer-offline), and run that
 * project's own `npm test` — which uses `assertRecovery` on a job of its own. It passes; with the
 * job's planted bug (CLICKS_BUG=1) it fails, printing the finding, the shrunk trial and a replay
 * command that works from the user's project. Needs the build (dist/) and the npm cache/registry.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { repoRoot } from './services/dist-entry.js';

const root = repoRoot();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-own-job-'));
const project = path.join(tmp, 'own-job');
const npmEnv = { NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

beforeAll(async () => {
  expect(fs.existsSync(path.join(root, 'dist', 'index.js')), 'build first: npm run build').toBe(true);
  const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: root, env: npmEnv });
  const tarball = path.join(tmp, pack.stdout.trim().split('\n').pop()!);
  expect(fs.existsSync(tarball)).toBe(true);
  fs.cpSync(path.join(root, 'examples', 'own-job'), project, { recursive: true, filter: (src) => !/node_modules|[\\/]out([\\/]|$)/.test(src) });
  const pkgFile = path.join(project, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { dependencies: Record<string, string> };
  pkg.dependencies['checkpoint-chaos'] = `file:${tarball}`;
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, env: npmEnv, timeout: 300_000 });
}, 360_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('examples/own-job against the packed package', () => {
  it('the installed package exposes the job API and the checks from its root, nothing else', async () => {
    const r = await execa(process.execPath, ['--input-type=module', '-e', "import * as c from 'checkpoint-chaos'; console.log(['defineStreamingJob','defineBatchJob','assertRecovery','checkRecovery','runningAggregate'].map((k) => typeof c[k]).join(','))"], { cwd: project });
    expect(r.stdout.trim()).toBe('function,function,function,function,function');
    const deep = await execa(process.execPath, ['--input-type=module', '-e', "await import('checkpoint-chaos/dist/engine/index.js')"], { cwd: project, reject: false });
    expect(deep.exitCode).not.toBe(0);
    expect(deep.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it("passes its own npm test: its job recovers exactly once in simulation and with real processes", async () => {
    const r = await execa('npm', ['test'], { cwd: project, env: npmEnv, reject: false, timeout: 200_000, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/2 passed/);
  });

  it('fails its npm test with the finding, the shrunk trial and a replay command when its job has the planted bug', async () => {
    const r = await execa('npm', ['test'], { cwd: project, env: { ...npmEnv, CLICKS_BUG: '1' }, reject: false, timeout: 200_000, all: true });
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/RecoveryCheckFailed: recovery check failed for .*clicks-job\.mjs/);
    expect(r.all).toMatch(/shrunk trial: size \d+/);
    const replay = /replay: (node \S+ replay \S+)/.exec(r.all ?? '');
    expect(replay, r.all).not.toBeNull();
    // The replay command works where the user runs it: it reproduces the finding (exit 1).
    const [, cli, , file] = replay![1]!.split(' ');
    const again = await execa(process.execPath, [cli!, 'replay', file!], { cwd: project, env: { ...npmEnv, CLICKS_BUG: '1' }, reject: false, timeout: 120_000 });
    expect(again.exitCode, again.stderr).toBe(1);
  });
});
