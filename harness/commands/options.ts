/** Parsing and validating options shared by `chaos run` and `chaos mutants`: clear exit-2 errors. */
import { UserError } from '../../engine/index.js';
import { durationPartsMs } from '../duration.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `5m`, `30s`, `1h`, `2m30s`, `1500ms`, or a bare number of seconds. */
export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : durationPartsMs(t, UNIT_MS);
  if (ms === undefined) throw new UserError(`${flag} "${text}" is not a duration; use e.g. 30s, 5m, 1h or 2m30s`);
  if (Math.round(ms) <= 0) throw new UserError(`${flag} "${text}" is no time at all: a run of it would execute no trial; give e.g. 30s or 5m`);
  return Math.round(ms);
}

export function parsePositiveInt(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new UserError(`${flag} "${text}" must be an integer >= ${min}`);
  return Number(text);
}

export function parseSeed(text: string | undefined): number {
  if (text === undefined) return (Math.random() * 2 ** 31) | 0;
  if (!/^-?\d+$/.test(text.trim())) throw new UserError(`--seed "${text}" must be an integer`);
  return Number(text) | 0;
}

export function parseChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UserError(`${flag} "${text}" is not one of: ${choices.join(', ')}`);
  return text as T;
}
