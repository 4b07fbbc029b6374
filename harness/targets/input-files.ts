/**
 * Input of an external target: generated from the trial's seed (the same seed gives the same
 * bytes, so the failure-free reference can be cached by spec + input hash) and put where the job
 * reads it by atomic rename — a file source never sees a half-written file. File i gets the
 * modification time base+i seconds so a file source orders them the same way in every run.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../../engine/index.js';
import type { FilesInput } from './target-spec.js';

export interface InputFile {
  name: string;
  text: string;
}

/** The files of one trial's input, in injection order. */
export function generateInput(input: FilesInput, seed: number): InputFile[] {
  const rand = mulberry32(seed ^ 0x5eed);
  const files: InputFile[] = [];
  let clock = 1_700_000_000;
  for (let f = 0; f < input.files; f++) {
    const lines: string[] = [];
    for (let l = 0; l < input.linesPerFile; l++) {
      const key = Math.floor(rand() * input.keys);
      if (input.format === 'words') lines.push(`w${key}`);
      else {
        // Event time moves forward about 3 s per record, with up to 8 s of disorder (some rows are late).
        clock += 3;
        const ts = clock - Math.floor(rand() * 9);
        lines.push(JSON.stringify({ key: `k${key}`, ts, value: 1 + Math.floor(rand() * 9) }));
      }
    }
    files.push({ name: `part-${String(f).padStart(5, '0')}.${input.format === 'words' ? 'txt' : 'json'}`, text: lines.join('\n') + '\n' });
  }
  return files;
}

export function inputHash(files: readonly InputFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.name).update('\0').update(f.text).update('\0');
  return h.digest('hex');
}

/**
 * Write `file` into `dir` atomically: a temp file in `stagingDir` (same file system, outside the
 * watched directory), fsync, then rename. `mtimeSec` makes the order deterministic.
 */
export function injectFile(dir: string, stagingDir: string, file: InputFile, mtimeSec?: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(stagingDir, { recursive: true });
  const tmp = path.join(stagingDir, file.name);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, file.text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (mtimeSec !== undefined) fs.utimesSync(tmp, mtimeSec, mtimeSec);
  fs.renameSync(tmp, path.join(dir, file.name));
}
