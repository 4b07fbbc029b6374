// Does my pipeline recover exactly once? Kill it at random and exact points, restart it, and
// compare the recovered output with a failure-free run and with the job's own model.
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { assertRecovery } from 'checkpoint-chaos';

const job = fileURLToPath(new URL('../clicks-job.mjs', import.meta.url));

test('session clicks recover exactly once (simulation: many crashes, fast)', async () => {
  await assertRecovery({ job, mode: 'sim', runs: 40, seed: 11, out: 'out/chaos-sim' });
}, 180_000);

test('session clicks recover exactly once (real processes, real SIGKILL)', async () => {
  await assertRecovery({ job, mode: 'process', runs: 4, seed: 11, maxSize: 150, out: 'out/chaos-process' });
}, 180_000);
