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
    expect(errorOf({ ...base, services: ['redis'] })).toMatch(/field "services" has unknown service "redis"/);
    expect(errorOf({ ...base, input: { ...base.input, kind: 'kafka' } })).toMatch(/field "services" must include "kafka"/);
    expect(errorOf({ ...base, input: { ...base.input, kind: 'kafka', dir: '{input}' }, services: ['kafka'] })).toMatch(/field "input.dir" is not a field of kafka input/);
    expect(errorOf({ ...base, start: { command: ['{spark-submit}', '{failpoint-args}', '{kafka}'] } })).toMatch(/field "start.command\[2\]" uses \{kafka\}, which needs "services": \[..., "kafka"\]/);
    expect(errorOf({ ...base, start: { command: ['{spark-submit}', '{failpoint-args}', '{s3-prefix}'] }, services: ['kafka'] })).toMatch(/uses \{s3-prefix\}, which needs "services": \[..., "s3"\]/);
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

  it('expands the service placeholders; one without a started service is a clear error', () => {
    const s = parseTargetSpec(
      {
        ...base,
        services: ['kafka', 's3'],
        input: { ...base.input, kind: 'kafka', partitions: 2 },
        start: { command: ['{spark-submit}', '--jars', '{spark-kafka-jars}', '{failpoint-args}', 'job.py', '{kafka}', '{kafka-topic}', '{s3}', 's3a://{s3-bucket}/{s3-prefix}out'], env: { KEY: '{s3-access-key}', SECRET: '{s3-secret-key}' } },
      },
      '/specs/t.json',
      'h',
    );
    expect(s.input).toMatchObject({ kind: 'kafka', topic: '{kafka-topic}', partitions: 2 });
    const v = {
      input: '/i', inputDone: '/d', output: '/o', checkpoint: '/c', master: 'local[2]', sparkSubmit: 'ss', sparkKafkaJars: '/a.jar,/b.jar',
      kafka: '127.0.0.1:9092', kafkaTopic: 't-1', s3: { endpoint: 'http://127.0.0.1:8333', bucket: 'chaos', prefix: 'p/1/', accessKey: 'ak', secretKey: 'sk' },
    };
    expect(expandCommand(s, v)).toEqual(['ss', '--jars', '/a.jar,/b.jar', 'job.py', '127.0.0.1:9092', 't-1', 'http://127.0.0.1:8333', 's3a://chaos/p/1/out']);
    expect(() => expandCommand(s, { ...v, kafka: undefined } as never)).toThrow(/\{kafka\} has no value: the Kafka service was not started/);
  });
});

describe('target spec: tune knobs', () => {
  const knob = { name: 'ci', means: 'm', unit: 'batches', role: 'checkpoint-interval', via: { placeholder: '{ci}' }, values: [1, 2], default: 2, checkpointPoint: 'rdd-checkpoint' };
  const withTune = (tune: unknown, command = [...base.start.command, '{ci}']) => ({ ...base, start: { command }, tune });
  it('accepts a knob whose placeholder the command uses, and expands it to the default', () => {
    const s = parseTargetSpec(withTune({ knobs: [knob] }), '/tmp/t.json', 'h');
    expect(s.tune?.knobs[0]?.name).toBe('ci');
    expect(expandCommand(s, { input: 'i', output: 'o', checkpoint: 'c', inputDone: 'd', master: 'm' }).at(-1)).toBe('2');
    expect(expandCommand(s, { input: 'i', output: 'o', checkpoint: 'c', inputDone: 'd', master: 'm', knobs: { '{ci}': '7' } }).at(-1)).toBe('7');
  });
  it('refuses bad knob fields, naming them', () => {
    expect(errorOf(withTune({ knobs: [{ ...knob, role: 'x' }] }))).toMatch(/field "tune\.knobs\[0\]\.role"/);
    expect(errorOf(withTune({ knobs: [{ ...knob, values: [0] }] }))).toMatch(/field "tune\.knobs\[0\]\.values"/);
    expect(errorOf(withTune({ knobs: [{ ...knob, default: 'a' }] }))).toMatch(/field "tune\.knobs\[0\]\.default"/);
    expect(errorOf(withTune({ knobs: [{ ...knob, checkpointPoint: 'nope' }] }))).toMatch(/field "tune\.knobs\[0\]\.checkpointPoint"/);
    expect(errorOf(withTune({ knobs: [{ ...knob, via: { conf: 'x' } }] }))).toMatch(/field "tune\.knobs\[0\]\.via\.conf"/);
    expect(errorOf(withTune({ knobs: [{ ...knob, via: { conf: 'spark.a.b' } }] }, base.start.command))).toMatch(/field "tune\.knobs\[0\]\.via\.conf" needs "\{spark-conf\}"/);
    expect(errorOf(withTune({ knobs: [{ ...knob, bogus: 1 }] }))).toMatch(/field "tune\.knobs\[0\]\.bogus"/);
    expect(errorOf(withTune({ knobs: [knob, knob] }))).toMatch(/field "tune\.knobs" names knob "ci" twice/);
    expect(errorOf(withTune({ knobs: [] }))).toMatch(/field "tune\.knobs"/);
    expect(errorOf(withTune({ knobs: [knob], batchPoint: 'x' }))).toMatch(/field "tune\.batchPoint"/);
    expect(errorOf(withTune({ knobs: [knob] }, base.start.command))).toMatch(/field "tune\.knobs\[0\]\.via\.placeholder" \{ci\} is not used/);
    expect(errorOf({ ...base, start: { command: [...base.start.command, '{ci}'] } })).toMatch(/unknown placeholder \{ci\}/);
  });
  it('keeps the old {"unit"} form as one files-per-batch knob', () => {
    const s = parseTargetSpec({ ...base, tune: { unit: 'files' } }, '/tmp/t.json', 'h');
    expect(s.tune?.knobs.map((k) => [k.name, k.via])).toEqual([['files-per-batch', { env: 'CHAOS_CHECKPOINT_INTERVAL' }]]);
  });
});
