import { describe, expect, it } from 'vitest';
import { GOALS, judge } from './goals.js';

describe('bench goals', () => {
  it('mark a figure met or missed against its goal, and say when it has none', () => {
    expect(judge('chaos.process.trialsPerMin', 172)).toBe('met');
    expect(judge('chaos.process.trialsPerMin', 65)).toBe('missed');
    expect(judge('chaos.process.incarnationVsNodeSpawn', 2.9)).toBe('met');
    expect(judge('chaos.process.incarnationVsNodeSpawn', 3.4)).toBe('missed');
    expect(judge('chaos.mutants.uncaught', 0)).toBe('met');
    expect(judge('chaos.mutants.uncaught', 1)).toBe('missed');
    expect(judge('engine.checkpoint.costRatio', 4.8)).toBe('no goal');
  });

  it('every goal has a reason', () => {
    for (const [name, g] of Object.entries(GOALS)) expect(g.why, name).toBeTruthy();
  });
});
