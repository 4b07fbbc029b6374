import type { ScenarioInfo } from '../types.js';
export const batchScenarios: ScenarioInfo[] = [];
