/**
 * Sessionized click counts: clicks per user session, where a session ends after 30 s without a
 * click. One row per session a batch touched: { batchId, user, session, clicks }.
 *
 * CLICKS_BUG=1 plants a bug of the kind recovery exposes: session ids come from a counter kept in
 * the process (not from the data), so a batch replayed after a crash numbers its sessions anew and
 * the recovered output differs from a failure-free run.
 */
import { defineStreamingJob, runningAggregate, rng, randInt } from 'checkpoint-chaos';

const GAP_MS = 30_000;
const planted = process.env.CLICKS_BUG === '1';
let counter = 0; // only used by the planted bug

export default defineStreamingJob({
  name: 'session-clicks',
  description: 'clicks per user session (30 s inactivity gap), one row per session a batch touched',
  defaults: { keys: 10, growthBatches: 3 },
  generate(seed, size, knobs) {
    const next = rng(seed);
    let t = 0;
    return Array.from({ length: size }, () => {
      t += next() < 0.1 ? GAP_MS + randInt(next, 10_000) : randInt(next, 3_000);
      return { key: `user-${randInt(next, knobs.keys)}`, value: { page: `/p${randInt(next, 8)}` }, eventTimeMs: t };
    });
  },
  buildQuery() {
    return {
      stages: [
        runningAggregate(
          'sessions',
          {
            init: () => ({ session: 0, last: -Infinity, clicks: 0 }),
            update: (s, e) => {
              const fresh = e.eventTimeMs - s.last > GAP_MS;
              const session = fresh ? (planted ? ++counter : s.session + 1) : s.session;
              return { session, last: Math.max(s.last, e.eventTimeMs), clicks: fresh ? 1 : s.clicks + 1 };
            },
            emit: (_user, s) => ({ session: s.session, clicks: s.clicks }),
          },
          'aggregate(sessions: 30 s gap, clicks per session)',
        ),
      ],
      toRow: (e, batchId) => ({ batchId, user: e.key, session: e.value.session, clicks: e.value.clicks }),
    };
  },
  /** The same sessions computed with plain loops (no engine operators): what the engine must output. */
  model: {
    perKeyOrder: true,
    shape: { key: (r) => r.user, seq: (r) => r.batchId, value: (r) => [r.session, r.clicks] },
    expected({ batches }) {
      const state = new Map();
      const rows = [];
      for (const b of batches) {
        const touched = new Set();
        for (const r of b.records) {
          const s = state.get(r.key) ?? { session: 0, last: -Infinity, clicks: 0 };
          const fresh = r.eventTimeMs - s.last > GAP_MS;
          state.set(r.key, { session: fresh ? s.session + 1 : s.session, last: Math.max(s.last, r.eventTimeMs), clicks: fresh ? 1 : s.clicks + 1 });
          touched.add(r.key);
        }
        for (const user of [...touched].sort()) {
          const s = state.get(user);
          rows.push({ batchId: b.batchId, user, session: s.session, clicks: s.clicks });
        }
      }
      return rows;
    },
  },
});
