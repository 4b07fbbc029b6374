import { describe, expect, it } from 'vitest';
import { Failpoints, formatFailpoint, parseFailpoints, simulatedCrash } from './failpoints.js';
import { InjectedFault, SimulatedCrash, UserError } from './errors.js';

describe('failpoint specs', () => {
  it('parses name, occurrence and action', () => {
    expect(parseFailpoints('offsets.written:3:crash, state.write:tear,sink.begin:2:delay:150')).toEqual([
      { name: 'offsets.written', occurrence: 3, action: { type: 'crash' } },
      { name: 'state.write', occurrence: 1, action: { type: 'tear' } },
      { name: 'sink.begin', occurrence: 2, action: { type: 'delay', ms: 150 } },
    ]);
    expect(parseFailpoints(undefined)).toEqual([]);
  });

  it.each(['offsets', 'offsets.written:boom', 'offsets.written:0:crash', 'a.b:crash:extra', 'a.b:delay:x', 'A.b:crash'])(
    'rejects %s with a usage error that shows the expected form',
    (spec) => {
      expect(() => parseFailpoints(spec)).toThrow(UserError);
      expect(() => parseFailpoints(spec)).toThrow(/name\[:occurrence\]:action/);
    },
  );

  it('formats back to a spec that parses to the same thing', () => {
    const specs = parseFailpoints('commits.written:2:throw,sink.done:delay:5');
    expect(parseFailpoints(specs.map(formatFailpoint).join(','))).toEqual(specs);
  });
});

describe('armed failpoints', () => {
  it('fires only at the named occurrence', async () => {
    const fp = new Failpoints(parseFailpoints('batch.planned:3:crash'), simulatedCrash);
    await fp.hit('batch.planned');
    await fp.hit('batch.planned');
    await expect(fp.hit('batch.planned')).rejects.toBeInstanceOf(SimulatedCrash);
    expect(fp.reached().get('batch.planned')).toBe(3);
  });

  it('throw raises an injected fault; tear is reported to the writer', async () => {
    const fp = new Failpoints(parseFailpoints('sink.begin:throw,state.write:tear'), simulatedCrash);
    await expect(fp.hit('sink.begin')).rejects.toBeInstanceOf(InjectedFault);
    expect(await fp.hit('state.write')).toBe(true);
  });

  it('reports a firing before acting', async () => {
    const fired: string[] = [];
    const fp = new Failpoints(parseFailpoints('x.y:crash'), simulatedCrash);
    fp.onFire = (h) => fired.push(`${h.name}#${h.occurrence}:${h.action}`);
    await expect(fp.hit('x.y')).rejects.toThrow();
    expect(fired).toEqual(['x.y#1:crash']);
  });

  it('disarmed never fires and counts nothing', async () => {
    const fp = Failpoints.disarmed();
    expect(await fp.hit('offsets.written')).toBe(false);
    expect(fp.reached().size).toBe(0);
  });
});
