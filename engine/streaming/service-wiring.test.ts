/** Engine service flags: every mistake is a clear usage error; environment fallbacks; per-trial keys and topics. */
import { describe, expect, it } from 'vitest';
import { derivedKafkaTopics, keyOfPath, parseServiceFlags, s3RetryFromEnv } from './service-wiring.js';
import { UserError } from '../errors.js';

const s3env = { CHAOS_S3_ACCESS_KEY: 'k', CHAOS_S3_SECRET_KEY: 's' };

describe('parseServiceFlags', () => {
  it('defaults to the local parts', () => {
    expect(parseServiceFlags({}, undefined, {})).toEqual({ store: 'fs', source: 'log', sink: 'files' });
  });

  it('takes S3 settings from flags or CHAOS_* variables, credentials only from the environment', () => {
    const fromFlags = parseServiceFlags({ store: 's3', 's3-endpoint': 'http://h:9000', 's3-bucket': 'b-1', 's3-prefix': '/runs/7/' }, undefined, s3env);
    expect(fromFlags.s3).toMatchObject({ endpoint: 'http://h:9000', bucket: 'b-1', prefix: 'runs/7', accessKey: 'k', secretKey: 's' });
    const fromEnv = parseServiceFlags({ store: 's3' }, 's3', { ...s3env, CHAOS_S3_ENDPOINT: 'http://e:1', CHAOS_S3_BUCKET: 'bkt', CHAOS_S3_PREFIX: 'p' });
    expect(fromEnv).toMatchObject({ store: 's3', sink: 's3', s3: { endpoint: 'http://e:1', bucket: 'bkt', prefix: 'p' } });
  });

  it('names the missing or wrong flag and the fix', () => {
    const err = (values: Record<string, string>, sink?: string, env: NodeJS.ProcessEnv = {}) => {
      try {
        parseServiceFlags(values, sink, env);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err({ store: 's4' })).toMatch(/--store "s4" is not one of: fs, s3/);
    expect(err({ store: 'memory' })).toMatch(/--mode sim/);
    expect(err({ source: 'file' })).toMatch(/--source "file"/);
    expect(err({}, 'hdfs')).toMatch(/--sink "hdfs" is not one of: files, append, s3, kafka/);
    expect(err({ store: 's3' })).toMatch(/--s3-endpoint .*CHAOS_S3_ENDPOINT/);
    expect(err({ store: 's3', 's3-endpoint': 'http://h:1' })).toMatch(/--s3-bucket .*CHAOS_S3_BUCKET/);
    expect(err({ store: 's3', 's3-endpoint': 'http://h:1', 's3-bucket': 'bbb' })).toMatch(/--s3-prefix/);
    expect(err({ source: 'kafka' })).toMatch(/--kafka-brokers/);
    expect(err({ source: 'kafka', 'kafka-brokers': 'h:1', topic: 'bad topic' })).toMatch(/bad Kafka topic "bad topic"/);
    expect(err({ 'kafka-brokers': 'h:1', 'kafka-delivery': 'maybe' }, 'kafka')).toMatch(/--kafka-delivery "maybe"/);
  });

  it('reads the S3 retry budget from the environment and rejects nonsense', () => {
    expect(s3RetryFromEnv({ CHAOS_S3_TOTAL_TIMEOUT_MS: '1500', CHAOS_S3_ATTEMPT_TIMEOUT_MS: '500', CHAOS_S3_ATTEMPTS: '3' })).toEqual({
      totalTimeoutMs: 1500,
      attemptTimeoutMs: 500,
      attempts: 3,
    });
    expect(() => s3RetryFromEnv({ CHAOS_S3_TOTAL_TIMEOUT_MS: 'soon' })).toThrow(/CHAOS_S3_TOTAL_TIMEOUT_MS="soon"/);
  });
});

describe('per-trial S3 keys and Kafka topics', () => {
  it('turns a checkpoint path into a key prefix', () => {
    expect(keyOfPath('/tmp/chaos-trial-ab12/checkpoint')).toBe('tmp/chaos-trial-ab12/checkpoint');
    expect(keyOfPath('rel/dir with space/../x')).toBe('rel/dir_with_space/_/x');
    expect(keyOfPath('')).toBe('');
  });

  it('derives stable, distinct topics per checkpoint', () => {
    const a = derivedKafkaTopics('/tmp/t1/checkpoint');
    expect(derivedKafkaTopics('/tmp/t1/checkpoint')).toEqual(a);
    expect(derivedKafkaTopics('/tmp/t2/checkpoint').source).not.toBe(a.source);
    expect(a.source).toMatch(/^chaos-in-[0-9a-f]{16}$/);
    expect(a.sink).toMatch(/^chaos-out-[0-9a-f]{16}$/);
  });
});
