/**
 * A --budget ends a scenario's share with fast-check's time limit, which returns from fc.check
 * without waiting for the trial in flight. That trial must still end before the next scenario's
 * trials start and before runChaos returns: left running, it overlapped the next trials on shared
 * services (its SeaweedFS kill failed a trial that armed no fault: "S3 endpoint … unavailable",
 * exit 2), and it ran on after the run had closed its services and printed its summary (its
 * failure was never reported).
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './run-chaos.js';
import { chaosScenarios } from '../chaos-scenarios.js';
import { liveChildren } from '../process/registry.js';
import type { History } from '../history.js';

describe('a budget that runs out while a trial is in flight', () => {
  it('waits for that trial: trials never overlap, and none ends after runChaos returned', async () => {
    const scenarios = (await chaosScenarios('wordcount,running-totals', 'process')).filter((s) => s.kind === 'streaming');
    expect(scenarios.map((s) => s.name)).toEqual(['wordcount', 'running-totals']);
    const seen: { h: History; endedAt: number; shrinking: boolean }[] = [];
    let returned = false;
    let lateCallbacks = 0;
    // Each scenario gets ~0.6 s: less than one process trial, so each share ends with a trial in flight.
    const s = await runChaos({
      mode: 'process',
      scenarios,
      budgetMs: 1200,
      seed: 7,
      maxSize: 150,
      onTrial: (h, info) => {
        if (returned) lateCallbacks++;
        seen.push({ h, endedAt: Date.now(), shrinking: info.shrinking });
      },
    });
    returned = true;
    expect(liveChildren()).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(lateCallbacks).toBe(0);
    // Every trial run was counted (or judged as a shrink candidate), including those the limit interrupted.
    expect(seen.filter((t) => !t.shrinking).length).toBe(s.trials);
    expect(s.trials).toBeGreaterThanOrEqual(2);
    const byStart = [...seen].sort((a, b) => a.h.startedAt - b.h.startedAt);
    for (let i = 1; i < byStart.length; i++) {
      expect(byStart[i]!.h.startedAt, `${byStart[i]!.h.trialId} started while ${byStart[i - 1]!.h.trialId} was still running`).toBeGreaterThanOrEqual(byStart[i - 1]!.endedAt - 5);
    }
    expect(s.failures.map((f) => f.message)).toEqual([]);
  }, 240_000);
});
