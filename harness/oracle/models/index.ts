/** Reference models by scenario name. */
import type { ScenarioModel } from './model.js';
import { wordcountModel } from './wordcount.js';
import { runningTotalsModel } from './running-totals.js';
import { windowedCountsModel } from './windowed-counts.js';
import { enrichmentJoinModel } from './enrichment-join.js';
import { sessionsModel } from './sessions.js';
import { idleAlertsModel } from './idle-alerts.js';

export const models: Record<string, ScenarioModel> = {
  wordcount: wordcountModel,
  'running-totals': runningTotalsModel,
  'windowed-counts': windowedCountsModel,
  'enrichment-join': enrichmentJoinModel,
  sessions: sessionsModel,
  'idle-alerts': idleAlertsModel,
};

export function modelFor(scenario: string): ScenarioModel | undefined {
  return models[scenario];
}
