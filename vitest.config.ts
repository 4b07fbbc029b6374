import { defineConfig } from 'vitest/config';

// Two projects: `unit` is the fast default; `chaos` holds bounded chaos properties (real processes,
// real SIGKILL) that are slower but still part of `npm test`.
export default defineConfig({
  test: {
    reporters: ['default', './harness/test-support/count-reporter.ts'],
    pool: 'forks',
    // One real Kafka broker for the run when installed (npm run services:install); tests skip without it.
    globalSetup: ['./harness/test-support/real-services.global-setup.ts'],
    // Tests must not fill the user's out/.cache with references; the cache's own test opts back in.
    env: { CHAOS_NO_CACHE: '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{engine,mutants,scenarios,runtime,harness,reports,bench}/**/*.test.ts'],
          exclude: ['**/*.chaos.test.ts', '**/node_modules/**', 'dist/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'chaos',
          include: ['{engine,mutants,scenarios,runtime,harness,reports,bench}/**/*.chaos.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
