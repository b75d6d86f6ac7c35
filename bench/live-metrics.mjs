// Cost of the live Prometheus endpoint: LiveBuckets.add per record (what every completed record pays, on
// the thread that completes it, metrics or not), and one scrape (registry.metrics(): the text Prometheus
// reads) of 2 variants with 3 graders and every histogram filled. Run after `npm run build`:
//   node bench/live-metrics.mjs [records]
import { LiveBuckets } from '../dist/metrics/live-buckets.js';
import { liveRegistry } from '../dist/metrics/prometheus.js';
import { VariantStats } from '../dist/metrics/variant-stats.js';

const RECORDS = Number(process.argv[2] ?? 100_000);
let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

/** A successful streamed, graded record: ~20–40 content frames. */
function sample(i) {
  const latency = 300 + rand() * 1500;
  const frames = [];
  for (let t = latency * 0.3; t < latency; t += 20 + rand() * 40) frames.push(t);
  const grades = ['contains', 'regex', 'judge'].map((grader) => ({ grader, pass: rand() > 0.3, score: rand(), reason: '' }));
  return {
    variant: i % 2 ? 'draft' : 'published',
    ok: i % 50 !== 0,
    error: i % 50 === 0 ? { kind: 'http_5xx', message: '', status: 500 } : null,
    attempts: 1,
    ttfbMs: 5,
    ttftMs: frames[0],
    latencyMs: latency,
    queueMs: rand() * 3,
    sendLagMs: rand() * 2,
    grades,
    pass: grades.every((g) => g.pass),
    score: 1,
    metadata: null,
    feedback: null,
    output: 'x',
    outputTokens: { count: 40, source: 'metadata' },
    timestamps: { scheduled: 0, sent: 1, firstByte: 5, contentFrames: frames, end: latency },
  };
}

const records = Array.from({ length: 5000 }, (_, i) => sample(i));
const buckets = new LiveBuckets();
const perRecord = [];
for (let round = 0; round < 21; round++) {
  const t0 = process.hrtime.bigint();
  for (const r of records) buckets.add(r);
  const t1 = process.hrtime.bigint();
  if (round > 0) perRecord.push(Number(t1 - t0) / records.length / 1000); // the first round warms up the JIT
}
perRecord.sort((a, b) => a - b);
const frames = records.reduce((n, r) => n + r.timestamps.contentFrames.length, 0) / records.length;
console.log(
  `node ${process.version}; LiveBuckets.add: median ${perRecord[10].toFixed(3)} µs per record, fastest round ${perRecord[0].toFixed(3)} µs (20 rounds of ${records.length}; ${frames.toFixed(1)} content frames a record)`,
);

const stats = [new VariantStats(), new VariantStats()];
for (let i = 0; i < RECORDS; i++) stats[i % 2].add(records[i % records.length]);
const names = ['published', 'draft'];
const registry = liveRegistry(
  { suite: 's', flowId: 'f', mode: 'stream', shard: '', version: 'bench' },
  () => ({
    variants: () => stats.map((s) => s.liveView()),
    inFlight: () => [3, 4],
    running: () => 7,
    warmupDone: () => 0,
    finished: () => false,
    mainThread: () => null,
  }),
  names,
);
const us = [];
let text = '';
for (let i = 0; i < 60; i++) {
  const t0 = process.hrtime.bigint();
  text = await registry.metrics();
  if (i >= 10) us.push(Number(process.hrtime.bigint() - t0) / 1000);
}
us.sort((a, b) => a - b);
console.log(
  `scrape of ${RECORDS} records (2 variants, 3 graders): median ${us[us.length >> 1].toFixed(0)} µs, max ${us.at(-1).toFixed(0)} µs, ${text.length} bytes, ${text.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`,
);
