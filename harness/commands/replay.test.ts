import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../engine/index.js';
import { readReplayFile } from './replay.js';

describe('replay files', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuse a missing, non-JSON or foreign file with a clear usage error', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-replay-test-'));
    expect(() => readReplayFile(path.join(dir!, 'nope.json'))).toThrow(/cannot read replay file .*ENOENT/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{not json');
    expect(() => readReplayFile(path.join(dir!, 'bad.json'))).toThrow(UserError);
    fs.writeFileSync(path.join(dir, 'other.json'), '{"hello":1}');
    expect(() => readReplayFile(path.join(dir!, 'other.json'))).toThrow(/not a chaos replay file/);
  });
});
