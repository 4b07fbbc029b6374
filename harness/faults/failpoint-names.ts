/**
 * Which failpoints the nemesis aims at: the names the streaming engine reaches, in protocol order
 * (engine/streaming/failpoint-names.ts). Torn writes only make sense where a file is being written.
 */
import { STREAMING_FAILPOINTS } from '../../engine/index.js';

/** Every failpoint name a driver kill can be armed at. */
export function killFailpoints(): string[] {
  return STREAMING_FAILPOINTS.map((f) => f.name);
}

/**
 * Failpoints where a tear leaves a half-written checkpoint file (the protocol's own files, which
 * carry checksums). Sink and source-log files are not torn: a sink's output is judged as it is.
 */
export function tearFailpoints(): string[] {
  return STREAMING_FAILPOINTS.filter((f) => f.tearable && !f.name.startsWith('sink.') && !f.name.startsWith('source.')).map((f) => f.name);
}

/** Where a publish can fail with an I/O error: the step between writing a file and publishing it. */
export function ioErrorFailpoints(): string[] {
  return STREAMING_FAILPOINTS.filter((f) => f.name.endsWith('.before-rename') && !f.name.startsWith('source.')).map((f) => f.name);
}

/** Failpoints reached early in a restarted incarnation: recovery itself and the first re-run batch. */
export function recoveryFailpoints(): string[] {
  return [...STREAMING_FAILPOINTS.filter((f) => f.name.startsWith('recovery.') || f.name.startsWith('recovery-attempts.')).map((f) => f.name), 'metadata.checked', 'offsets.write', 'sink.begin', 'commits.write'];
}

/** Failpoints hit at most once per incarnation, so only occurrence 1 can fire. */
export function isOncePerRun(name: string): boolean {
  return name.startsWith('metadata.') || name.startsWith('recovery-attempts.') || name === 'recovery.begin' || name === 'recovery.state-loaded';
}
