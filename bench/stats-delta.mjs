// Cost of the statistics deltas: RunStatsShard.add per record, RunStatsShard.take and RunStatsTotal.merge
// per delta (2 variants, every histogram non-empty, records ending over 2 timeline seconds), and the
// delta's structured clone (what postMessage copies). Run after `npm run build`:
//   node bench/stats-delta.mjs [records per delta] [deltas]
import { completeRecord } from '../dist/record/complete-record.js';
import { RunStatsShard, RunStatsTotal } from '../dist/metrics/run-stats.js';

const PER_DELTA = Number(process.argv[2] ?? 200);
const DELTAS = Number(process.argv[3] ?? 300);

let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

/** A successful streamed, graded (with a judge call), metadata-carrying record ending at `endMs`. */
function sample(i, endMs) {
  const latency = 300 + rand() * 1500;
  const scheduled = endMs - latency;
  const frames = [];
  for (let t = scheduled + latency * 0.3; t < endMs; t += 20 + rand() * 40) frames.push(t);
  const record = {
    variant: i % 2 ? 'draft' : 'published',
    row: i,
    iteration: 0,
    attempts: 1,
    runId: 'r',
    ok: true,
    error: null,
    scheduledAt: '',
    startedAt: '',
    ttfbMs: 5 + rand() * 20,
    ttftMs: frames[0] - scheduled,
    latencyMs: latency,
    queueMs: rand() * 3,
    inputs: {},
    expected: null,
    output: 'x'.repeat(200),
    pass: true,
    score: rand(),
    grades: [
      { grader: 'contains', pass: true, score: 1, reason: '' },
      {
        grader: 'judge',
        pass: true,
        score: rand(),
        reason: '',
        judge: { flowId: 'j', runId: 'r', ok: true, attempts: 1, latencyMs: 400 + rand() * 400, output: '' },
      },
    ],
    metadata: { llm_usage: [{ output_tokens: 40 + Math.floor(rand() * 200) }] },
    metadataFields: { tokens: 100 + Math.floor(rand() * 900) },
    feedback: null,
    attemptLog: [],
    timestamps: { scheduled, sent: scheduled + 1, firstByte: scheduled + 5, contentFrames: frames, end: endMs },
  };
  const env = { variant: i % 2, step: null, warmup: false, sendLagMs: rand() * 2, delayed: false };
  return { record: completeRecord(record, env), env };
}

/** One delta's records: ending over seconds k and k + 1 of the run. */
const batch = (k) => Array.from({ length: PER_DELTA }, (_, i) => sample(i, (k + (i / PER_DELTA) * 2) * 1000));

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(1)} µs, p90 ${s[Math.floor(s.length * 0.9)].toFixed(1)} µs, mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1)} µs`;
};

// add per record on its own, as in a request thread: the shard's takes in between, no merge garbage.
const addShard = new RunStatsShard(2);
const batches = Array.from({ length: 50 }, (_, k) => batch(k));
let addNs = 0;
let added = 0;
for (let round = 0; round < 4; round++) {
  for (const b of batches) {
    const t0 = process.hrtime.bigint();
    for (const { record, env } of b) addShard.add(record, env);
    const t1 = process.hrtime.bigint();
    addShard.take();
    if (round === 0) continue; // warm up the JIT
    addNs += Number(t1 - t0);
    added += b.length;
  }
}

const shard = new RunStatsShard(2);
const total = new RunStatsTotal({ monoMs: performance.now() + 1e12, epochMs: Date.now() }, ['published', 'draft']);
const takeUs = [];
const cloneUs = [];
const mergeUs = [];
let bytes = 0;
let histograms = 0;
for (let k = 0; k < DELTAS; k++) {
  for (const { record, env } of batch(k)) shard.add(record, env);
  const t1 = process.hrtime.bigint();
  const d = shard.take();
  const t2 = process.hrtime.bigint();
  const copy = structuredClone(d);
  const t3 = process.hrtime.bigint();
  total.merge(copy);
  const t4 = process.hrtime.bigint();
  total.timeline.flush(k - 1); // main side closes seconds as it would at run time
  if (k < 20) continue; // warm up the JIT
  takeUs.push(Number(t2 - t1) / 1000);
  cloneUs.push(Number(t3 - t2) / 1000);
  mergeUs.push(Number(t4 - t3) / 1000);
  const json = JSON.stringify(d);
  bytes += json.length;
  histograms += json.split('"buckets":').length - 1;
}
total.finish();
const n = takeUs.length;
console.log(`node ${process.version}, ${PER_DELTA} records per delta, ${n} deltas measured (2 variants, every histogram non-empty)`);
console.log(`RunStatsShard.add:  ${(addNs / added / 1000).toFixed(2)} µs per record`);
console.log(`RunStatsShard.take: ${stats(takeUs)}`);
console.log(`structuredClone:    ${stats(cloneUs)}  (delta ≈ ${Math.round(bytes / n / 1024)} KB as JSON, ${(histograms / n).toFixed(1)} histograms)`);
console.log(`RunStatsTotal.merge: ${stats(mergeUs)}`);
console.log(`check: ${total.done} merged results, latency p50 ${total.stats[0].summary().latencyMs.p50} ms`);
