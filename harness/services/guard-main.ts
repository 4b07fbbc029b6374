/**
 * The watchdog a harness-owned service runs under:
 *   node dist/harness/services/guard-main.js --log FILE -- COMMAND ARGS...
 * It starts COMMAND in a process group of its own (so a kill takes the whole service down, JVM
 * threads and helpers included), appends the service's stdout and stderr to FILE, prints one line
 * `{"pid":N}` and then:
 *   - its stdin closes (the harness exited — even by SIGKILL, which no exit handler sees):
 *     SIGKILL the service's group and exit. This is what keeps a broker from outliving a killed harness.
 *   - SIGTERM: forward SIGTERM to the group, SIGKILL it after --grace-ms, exit when it is gone.
 *   - the service exits on its own: print `{"exit":code,"signal":sig}` and exit.
 * It must NOT restart anything or interpret the service's output: the harness decides that.
 */
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const sep = process.argv.indexOf('--', 2);
if (sep < 0 || sep === process.argv.length - 1) {
  process.stderr.write('guard-main: usage: guard-main.js --log FILE [--grace-ms N] -- COMMAND ARGS...\n');
  process.exit(2);
}
const { values } = parseArgs({
  args: process.argv.slice(2, sep),
  options: { log: { type: 'string' }, 'grace-ms': { type: 'string', default: '5000' } },
});
const [command, ...args] = process.argv.slice(sep + 1) as [string, ...string[]];
const out = values.log ? fs.openSync(values.log, 'a') : 'ignore';
const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
const pid = child.pid;

function killGroup(signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

child.on('error', (err) => {
  process.stdout.write(JSON.stringify({ error: err.message }) + '\n');
  process.exit(1);
});
child.on('exit', (code, signal) => {
  // The leader is gone; make sure nothing it started lingers in its group.
  killGroup('SIGKILL');
  process.stdout.write(JSON.stringify({ exit: code, signal }) + '\n');
  process.exit(0);
});
if (pid !== undefined) process.stdout.write(JSON.stringify({ pid }) + '\n');

const parentGone = () => {
  killGroup('SIGKILL');
  process.exit(0);
};
process.stdin.on('end', parentGone);
process.stdin.on('error', parentGone);
process.stdin.resume();
process.on('SIGTERM', () => {
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), Number(values['grace-ms'])).unref();
});
process.on('SIGINT', () => {
  // Ctrl-C reaches the whole foreground group; the harness decides when its services stop.
});
