import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTargetOutput, sparkSinkFiles } from './output-readers.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function entry(file: string, action = 'add'): string {
  return JSON.stringify({ path: `file://${file}`, size: 1, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 1, action });
}

describe('Spark file sink reader', () => {
  it('reads only the part files _spark_metadata lists: orphans of a killed batch are ignored', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sink-'));
    const meta = path.join(dir, '_spark_metadata');
    fs.mkdirSync(meta);
    const part = (n: string, rows: object[]) => {
      const f = path.join(dir, n);
      fs.writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      return f;
    };
    const a = part('part-a.json', [{ word: 'x', count: 1 }]);
    const b = part('part-b.json', [{ count: 2, word: 'x' }]);
    part('part-orphan.json', [{ word: 'x', count: 99 }]); // written by a batch killed before its log entry
    fs.writeFileSync(path.join(meta, '0'), `v1\n${entry(a)}\n`);
    fs.writeFileSync(path.join(meta, '1'), `v1\n${entry(b)}\n`);
    expect(sparkSinkFiles(dir).sort()).toEqual([a, b].sort());
    expect(await readTargetOutput({ kind: 'spark-file-sink', path: dir })).toEqual(['{"count":1,"word":"x"}', '{"count":2,"word":"x"}']);
    // Listing the directory would have counted the orphan.
    expect(await readTargetOutput({ kind: 'plain', path: dir, pick: 'all' })).toContain('{"count":99,"word":"x"}');
  });

  it('a compaction replaces the batches before it', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sink-'));
    const meta = path.join(dir, '_spark_metadata');
    fs.mkdirSync(meta);
    fs.writeFileSync(path.join(meta, '0'), `v1\n${entry('/gone/0')}\n`);
    fs.writeFileSync(path.join(meta, '9.compact'), `v1\n${entry('/p/0')}\n${entry('/p/9')}\n`);
    fs.writeFileSync(path.join(meta, '10'), `v1\n${entry('/p/10')}\n${entry('/p/0', 'delete')}\n`);
    expect(sparkSinkFiles(dir).sort()).toEqual(['/p/10', '/p/9']);
  });

  it('no log yet: no committed output', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sink-'));
    expect(sparkSinkFiles(dir)).toEqual([]);
  });
});
