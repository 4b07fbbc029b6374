/** What every scenario (bundled job) says about itself: the engine's JobInfo. */
export type { JobInfo as ScenarioInfo } from '../engine/job/index.js';
