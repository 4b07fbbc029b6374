/** Failpoints a batch job reaches in the driver process (engine/batch task and store writes). */
export const BATCH_FAILPOINTS: readonly string[] = [
  'task.begin',
  'shuffle.written',
  'dataset.write',
  'dataset.before-rename',
  'dataset.written',
  'manifest.write',
  'manifest.before-rename',
  'manifest.written',
  'sink.write',
  'sink.written',
];

