// Measures the comparison statistics on simulated paired outcomes (seeded): false-positive rate of the
// gates, power against a 10-point drop, bootstrap interval coverage of a 100 ms TTFT shift, and time
// per comparison. Run after `npm run build`: node bench/compare-stats.mjs [repetitions]
import { compareVariants } from '../dist/compare/compare-variants.js';
import { parseGates } from '../dist/compare/gates.js';
import { seeded } from '../dist/compare/prng.js';

const REPS = Number(process.argv[2] ?? 1000);
const ROWS = 200;

function flow(rand, q, ttftMs, n = ROWS) {
  const rows = new Map();
  for (let i = 0; i < n; i++) {
    const pass = rand() < q;
    const ttft = ttftMs * (1 + 0.15 * (2 * rand() - 1));
    rows.set(`${i}:0`, { ok: true, pass, score: pass ? 1 : 0, ttft, latency: ttft + 900 * (1 + 0.2 * (2 * rand() - 1)), ttfb: 5, meta: null });
  }
  return rows;
}
function side(name, rows) {
  const n = rows.size;
  const passed = [...rows.values()].filter((r) => r.pass).length;
  const summary = {
    requests: n,
    ok: n,
    errors: 0,
    rps: 10,
    metadataMetrics: {},
    grades: { graded: n, passed, failed: n - passed, graderErrors: 0, passRate: passed / n, meanScore: passed / n },
    ttftMs: { count: n },
    latencyMs: { count: n },
    ttfbMs: null,
    itlMs: null,
  };
  return { name, source: null, summary, rows, resultsPath: null };
}
const gates = parseGates({ pass_rate_drop: 0.02, ttft_p95_increase: '10%', latency_p50_increase: '50ms' });

async function rate(label, reps, make, test) {
  let hits = 0;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const [a, b] = make(r);
    if (test(await compareVariants(side('base', a), side('cand', b), { gates, seed: r }))) hits++;
  }
  const ms = (performance.now() - t0) / reps;
  console.log(`${label}: ${hits}/${reps} = ${((hits / reps) * 100).toFixed(1)}%  (${ms.toFixed(1)} ms per comparison)`);
}

console.log(`${ROWS} paired rows, alpha 0.05, gates pass_rate_drop 0.02, ttft_p95_increase 10%, latency_p50_increase 50ms, 2000 bootstrap resamples`);
await rate(
  'false positives, same flow twice (any gate fired)',
  REPS,
  (r) => [flow(seeded(`a${r}`), 0.85, 300), flow(seeded(`b${r}`), 0.85, 300)],
  (c) => c.verdict === 'fail',
);
await rate(
  'McNemar p < 0.05 on the same flow twice',
  REPS,
  (r) => [flow(seeded(`a${r}`), 0.85, 300), flow(seeded(`b${r}`), 0.85, 300)],
  (c) => c.metrics.find((m) => m.metric === 'pass_rate').pValue < 0.05,
);
await rate(
  'power: 10-point drop (0.85 -> 0.75, independent draws), pass_rate_drop fired',
  Math.min(REPS, 300),
  (r) => [flow(seeded(`c${r}`), 0.85, 300), flow(seeded(`d${r}`), 0.75, 300)],
  (c) => c.gates[0].fired,
);
await rate(
  'coverage: +100 ms TTFT, 95% CI of the p50 difference contains 100 ms',
  Math.min(REPS, 300),
  (r) => [flow(seeded(`e${r}`), 0.85, 300), flow(seeded(`f${r}`), 0.85, 400)],
  (c) => {
    const m = c.metrics.find((x) => x.metric === 'ttft_p50_ms');
    return m.ci.low <= 100 && m.ci.high >= 100;
  },
);
const big = [flow(seeded('g'), 0.85, 300, 20000), flow(seeded('h'), 0.85, 300, 20000)];
const t0 = performance.now();
const c = await compareVariants(side('base', big[0]), side('cand', big[1]), { gates });
console.log(`one comparison of 20,000 paired rows: ${(performance.now() - t0).toFixed(0)} ms (${c.bootstrap.resamples} resamples)`);
