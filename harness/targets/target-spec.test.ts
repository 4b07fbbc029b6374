import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../engine/errors.js';
import { expandCommand, loadTargetSpec, parseTargetSpec } from './target-spec.js';

const examples = path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark');

const base = {
  name: 'x',
  engine: 'spark',
  kind: 'streaming',
  start: { command: ['{spark-submit}', '--master', '{master}', '{failpoint-args}', 'job.py', '{input}', '{output}', '{checkpoint}'] },
  input: { kind: 'files', format: 'words', files: 2, linesPerFile: 3 },
  output: { kind: 'spark-file-sink' },
  failpoints: { adapter: 'spark', points: ['commits.before'] },
  semantics: 'exactly-once',
};

function errorOf(raw: unknown): string {
  try {
    parseTargetSpec(raw, '/tmp/t.json', 'h');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('spec was accepted');
}

describe('target spec', () => {
  it('loads every example spec in examples/spark', () => {
    const specs = fs.readdirSync(examples).filter((f) => f.endsWith('.json'));
    expect(specs.length).toBeGreaterThanOrEqual(5);
    for (const f of specs) {
      const s = loadTargetSpec(path.join(examples, f));
      expect(s.engine).toBe('spark');
      expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('names the field of each problem', () => {
    expect(errorOf({ ...base, semantics: 'maybe' })).toMatch(/field "semantics" must be one of exactly-once \| at-least-once/);
    expect(errorOf({ ...base, start: { command: [] } })).toMatch(/field "start.command"/);
    expect(errorOf({ ...base, input: { ...base.input, files: 0 } })).toMatch(/field "input.files" must be an integer >= 1/);
    expect(errorOf({ ...base, failpoints: { adapter: 'spark', points: ['commit.before'] } })).toMatch(/field "failpoints.points" has unknown point "commit.before"/);
    expect(errorOf({ ...base, start: { command: ['{spark-submit}', '{failpoint-args}', '{inptu}'] } })).toMatch(/field "start.command\[2\]" uses unknown placeholder \{inptu\}/);
    expect(errorOf({ ...base, start: { command: ['{spark-submit}', 'job.py'] } })).toMatch(/must contain "\{failpoint-args\}"/);
    expect(errorOf({ ...base, output: { kind: 'kafka' } })).toMatch(/field "output.kind" kafka/);
    expect(errorOf({ ...base, services: ['kafka'] })).toMatch(/field "services"/);
    expect(errorOf({ ...base, input: { ...base.input, when: 'after-ready' } })).toMatch(/field "input.doneMarker" is required/);
    expect(errorOf({ ...base, colour: 'blue' })).toMatch(/field "colour" is not a target spec field/);
  });

  it('a missing or broken file is a one-line usage error', () => {
    expect(() => loadTargetSpec('/nonexistent/spec.json')).toThrow(/not found/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    expect(() => loadTargetSpec(path.join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    fs.rmSync(dir, { recursive: true });
  });

  it('expands placeholders, list-valued ones as whole arguments', () => {
    const s = parseTargetSpec(base, '/specs/t.json', 'h');
    const cmd = expandCommand(s, { input: '/i', inputDone: '/d', output: '/o', checkpoint: '/c', master: 'local[2]', sparkSubmit: '/bin/spark-submit', failpointArgs: ['--conf', 'a=b'] });
    expect(cmd).toEqual(['/bin/spark-submit', '--master', 'local[2]', '--conf', 'a=b', 'job.py', '/i', '/o', '/c']);
  });
});
