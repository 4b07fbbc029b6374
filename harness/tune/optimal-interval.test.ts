import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { dalyIntervalMs, expectedTotalMs, perFailureMs, youngIntervalMs } from './optimal-interval.js';

describe('Young and Daly', () => {
  it("Young's interval is sqrt(2CM)", () => {
    expect(youngIntervalMs(2, 600_000)).toBeCloseTo(Math.sqrt(2_400_000), 9);
    expect(youngIntervalMs(50, 3_600_000)).toBeCloseTo(18_973.67, 1);
  });

  it("Daly's interval follows the higher-order formula for C < 2M", () => {
    // C = 2 ms, M = 10 min: ratio C/2M = 1/600000
    const r = 2 / 1_200_000;
    const expected = Math.sqrt(2_400_000) * (1 + Math.sqrt(r) / 3 + r / 9) - 2;
    expect(dalyIntervalMs(2, 600_000)).toBeCloseTo(expected, 9);
    expect(dalyIntervalMs(2, 600_000)).toBeCloseTo(1547.86, 1);
    // C = 1 min, M = 10 min: the correction terms are no longer negligible
    expect(dalyIntervalMs(60_000, 600_000)).toBeCloseTo(Math.sqrt(7.2e10) * (1 + Math.sqrt(0.05) / 3 + 0.05 / 9) - 60_000, 6);
  });

  it('Daly is M once a checkpoint costs 2M or more', () => {
    expect(dalyIntervalMs(1000, 500)).toBe(500);
    expect(dalyIntervalMs(1000, 499)).toBe(499);
  });

  it('rejects costs and MTBFs that are not positive', () => {
    expect(() => youngIntervalMs(0, 1000)).toThrow(/positive/);
    expect(() => dalyIntervalMs(1, -1)).toThrow(/positive/);
    expect(() => youngIntervalMs(1, Infinity)).toThrow(/positive/);
  });

  test.prop([fc.double({ min: 0.01, max: 1e4, noNaN: true }), fc.double({ min: 1e3, max: 1e9, noNaN: true })])(
    'Daly approaches Young when C is small against M, and never exceeds M',
    (c, m) => {
      const young = youngIntervalMs(c, m);
      const daly = dalyIntervalMs(c, m);
      expect(daly).toBeLessThanOrEqual(Math.max(m, young));
      if (c < m / 1000) expect(Math.abs(daly - young) / young).toBeLessThan(0.05);
    },
  );
});

describe('expected total time', () => {
  it('is the work with overhead, stretched by the fraction of time lost to failures', () => {
    // 200 batches of work (1000 ms off at 5 ms/batch) at 6 ms/batch = 1200 ms; failures cost 10 % of M
    expect(expectedTotalMs({ workMs: 1000, batchMsOff: 5, batchMs: 6, perFailureMs: 100, mtbfMs: 1000 })).toBeCloseTo(1200 / 0.9, 9);
  });

  it('is infinite when one failure costs the MTBF or more', () => {
    expect(expectedTotalMs({ workMs: 1000, batchMsOff: 5, batchMs: 6, perFailureMs: 1000, mtbfMs: 1000 })).toBe(Infinity);
  });

  it('counts half an interval of replayed batches as the lost work of one failure', () => {
    expect(perFailureMs(150, 10, 4)).toBe(170);
    expect(perFailureMs(150, 1, 4)).toBe(152);
  });

  test.prop([
    fc.double({ min: 0.5, max: 20, noNaN: true }), // C, ms
    fc.double({ min: 1e5, max: 1e7, noNaN: true }), // M, ms
    fc.double({ min: 0.5, max: 10, noNaN: true }), // ms per batch, off
  ])('its minimum over the interval lies at Young’s interval when checkpoints are cheap', (c, m, d) => {
    // Overhead C per K batches, lost work K/2 batches per failure, no fixed restart cost: the
    // first-order model Young optimised.
    const total = (k: number) => expectedTotalMs({ workMs: 1e6, batchMsOff: d, batchMs: d + c / k, perFailureMs: perFailureMs(0, k, d), mtbfMs: m });
    let best = 1;
    for (let k = 1; k < 1e6; k = Math.ceil(k * 1.01)) if (total(k) < total(best)) best = k;
    const youngBatches = youngIntervalMs(c, m) / d;
    if (youngBatches > 10) expect(Math.abs(best - youngBatches) / youngBatches).toBeLessThan(0.1);
  });
});
