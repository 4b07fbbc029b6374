/** Fault kind names a batch mutant may ask the hunt for (the harness's FaultKind, spelled here: mutants/ import nothing above them). */
export type FaultKind = 'kill-random' | 'kill-failpoint' | 'torn-write' | 'crash-in-recovery' | 'kill-executor';
