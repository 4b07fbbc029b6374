import type { ScenarioInfo } from '../types.js';
export const streamingScenarios: ScenarioInfo[] = [];
