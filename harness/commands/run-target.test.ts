/**
 * `chaos run --target` argument handling through the real CLI (build first): the spec is loaded
 * (its own errors, exit 2), and only an explicit --scenario or --job conflicts with it.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { distEntry } from '../services/dist-entry.js';

const chaos = (args: string[]) => execa(process.execPath, [distEntry('harness/cli.js'), ...args], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });

describe('chaos run --target', () => {
  it('loads the spec when no --scenario is given (the default is not a conflict)', async () => {
    const r = await chaos(['run', '--target', '/nonexistent/spec.json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/target spec \/nonexistent\/spec.json not found/);
  });

  it('an explicit --scenario or --job is a usage error', async () => {
    const s = await chaos(['run', '--target', '/nonexistent/spec.json', '--scenario', 'wordcount']);
    expect(s.exitCode).toBe(2);
    expect(s.stderr).toMatch(/either --target or --scenario/);
    const j = await chaos(['run', '--target', '/nonexistent/spec.json', '--job', 'x.js']);
    expect(j.exitCode).toBe(2);
    expect(j.stderr).toMatch(/either --target or --job/);
  });
});
