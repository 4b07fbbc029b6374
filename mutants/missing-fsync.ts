/** The fs stores never fsync (file or directory): a crash of the machine loses "durable" checkpoint and output files. */
import type { Mutant } from './index.js';

export const missingFsync: Mutant = {
  description: 'FsIo without fsyncFile/fsyncDir (process mode; caught with --lazy-fs lost-write faults)',
  realWorld: 'ext4 zero-length files after power loss (rename without fsync); Kafka/HDFS "acknowledged but not fsynced" data loss',
  needs: 'process',
  apply(base) {
    return { ...base, io: { ...base.io, fsyncFile() {}, fsyncDir() {} } };
  },
};
