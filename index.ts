/**
 * The package root (`import ... from 'checkpoint-chaos'`): the job-author API, so a user's own job
 * is written exactly as the bundled scenarios are.
 */
export * from './engine/job/index.js';
