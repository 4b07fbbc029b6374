/**
 * Closers that must run however the harness ends: normal close(), an error, Ctrl-C, SIGTERM.
 * One registry for the whole harness (harness/process/registry.ts) kills engines, awaits these
 * closers and removes temp dirs, in that order, so containers and external S3 prefixes are never left behind.
 */
export { onShutdown } from '../process/registry.js';
