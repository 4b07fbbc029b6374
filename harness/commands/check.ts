/**
 * `chaos check FILE`: re-judge a stored History without re-running anything — the same composed
 * `check(history)` every trial is judged by (harness/oracle/check.ts). FILE is a History file
 * (`<out>/histories/<trial>.json`, written for every failing trial and, with `--keep-histories`, for
 * all) or a replay file (its `history`). The job is loaded only for its row shape (per-key order and
 * final state); when it cannot be loaded those two are `unknown`, not skipped silently.
 * Exit 0: every verdict holds; 1: one does not (or is unknown); 2: FILE is not a History.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../engine/index.js';
import type { History, Verdict } from '../history.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('re-judge a stored History (a History or replay file) with the checkers, without re-running it')
    .argument('<file>', 'History file (<out>/histories/*.json) or replay file (<out>/replays/*.json)')
    .option('--json', 'print { file, trialId, ok, verdicts, changed } on stdout')
    .action(async (file: string, o: { json?: boolean }) => {
      process.exitCode = await checkCommand(file, o);
    });
}

export function readHistoryFile(file: string): History {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not a History: not JSON (${(err as Error).message})`);
  }
  const h = ((doc as { replayVersion?: unknown; history?: unknown })?.replayVersion !== undefined ? (doc as { history: unknown }).history : doc) as History;
  const valid =
    h && typeof h === 'object' && typeof h.scenario === 'string' && Array.isArray(h.outputs) && Array.isArray(h.reference) && Array.isArray(h.verdicts) && Array.isArray(h.incarnations) && (h.guarantee === 'exactly-once' || h.guarantee === 'at-least-once');
  if (!valid) throw new UserError(`${file} is not a History (expected scenario, guarantee, incarnations, outputs, reference and verdicts); chaos run writes them under <out>/histories/`);
  return h;
}

async function checkCommand(file: string, o: { json?: boolean }): Promise<number> {
  const h = readHistoryFile(file);
  const { check } = await import('../oracle/check.js');
  const { ctx, unknown } = await contextFor(h);
  const verdicts: Verdict[] = [...check(h, ctx), ...unknown];
  const ok = verdicts.every((v) => v.ok);
  const before = new Map(h.verdicts.map((v) => [v.checker, v.ok]));
  const changed = verdicts.filter((v) => before.has(v.checker) && before.get(v.checker) !== v.ok).map((v) => v.checker);
  if (o.json) {
    process.stdout.write(JSON.stringify({ file, trialId: h.trialId, ok, verdicts, changed }) + '\n');
  } else {
    for (const v of verdicts) process.stdout.write(`${v.ok ? 'ok     ' : v.unknown ? 'UNKNOWN' : 'FAILED '} ${v.checker}: ${v.message}\n`);
    process.stdout.write(`chaos check: ${h.trialId}: ${ok ? 'all checkers hold' : `${verdicts.filter((v) => !v.ok).length} verdict(s) do not hold`}${changed.length ? ` (changed since it was written: ${changed.join(', ')})` : ''}\n`);
  }
  return ok ? 0 : 1;
}

/** The job's row shape for the shape checkers; when the job cannot be loaded, those verdicts are unknown. */
async function contextFor(h: History): Promise<{ ctx: import('../oracle/check.js').CheckContext; unknown: Verdict[] }> {
  try {
    const { modelFor } = await import('../oracle/models/index.js');
    const model = await modelFor(h);
    return { ctx: model ? { ...(model.shape ? { shape: model.shape } : {}), perKeyOrder: model.perKeyOrder } : {}, unknown: [] };
  } catch (err) {
    const why = `job ${h.scenario} could not be loaded (${(err as Error).message}), so its row shape is unknown`;
    const hadShape = h.verdicts.filter((v) => v.checker === 'per-key-order' || v.checker === 'final-state');
    return { ctx: {}, unknown: hadShape.map((v) => ({ checker: v.checker, ok: false, unknown: true, message: `${why}: not re-judged` })) };
  }
}
