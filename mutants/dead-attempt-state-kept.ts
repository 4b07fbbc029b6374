/**
 * Recovery leaves the state versions of an attempt that never committed in place; the re-run writes
 * its own version beside them. Where the dead attempt (another batch plan) wrote a snapshot and the
 * re-run a delta of the same version, a later recovery prefers the snapshot: the dead attempt's state.
 */
import type { Mutant } from './index.js';

export const deadAttemptStateKept: Mutant = {
  description: 'state versions written by an attempt that never committed are kept at recovery (a later load may read its snapshot instead of the re-run\'s delta)',
  realWorld: 'state stores that overwrite a version\'s delta on a re-run but leave a stale snapshot of that version from a failed attempt (Spark HDFS/RocksDB state store stale-file bug class)',
  apply(base) {
    return { ...base, protocol: { ...base.protocol, async discardUncommittedState() {} } };
  },
};
