/**
 * The bundled jobs (the scenarios). Each is an ordinary job module — `export default
 * defineStreamingJob(...)` / `defineBatchJob(...)` written against the engine's job API only — and
 * the runtime loads a bundled job by name exactly as it loads a user's job by path: from its module
 * file (`bundledJobModules`). `allScenarios` is the same jobs, for listing.
 */
import { batchScenarios } from './batch/index.js';
import { streamingScenarios } from './streaming/index.js';
import type { ScenarioInfo } from './types.js';

export const allScenarios: readonly ScenarioInfo[] = [...batchScenarios, ...streamingScenarios];

/** Bundled job name -> its module, relative to this directory. */
export const bundledJobModules: Readonly<Record<string, string>> = {
  pagerank: 'batch/pagerank.js',
  'dictionary-join': 'batch/dictionary-join.js',
  wordcount: 'streaming/wordcount.js',
  'running-totals': 'streaming/running-totals.js',
  'windowed-counts': 'streaming/windowed-counts.js',
  'enrichment-join': 'streaming/enrichment-join.js',
  sessions: 'streaming/sessions.js',
  'idle-alerts': 'streaming/idle-alerts.js',
};
