// results.jsonl I/O: how fast the batched, crash-safe sink writes realistic result lines, and how fast
// --resume reads them back (torn-line check included). Needs `npm run build`.
// Usage: node bench/results-io.mjs [lines=100000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsSink } from '../dist/report/results-sink.js';
import { scanResults } from '../dist/runner/resume.js';

const lines = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'flowbench-bench-io-'));
const file = join(dir, 'results.jsonl');
// A typical streamed answer's line: ~40 words of output, 25 content-frame times, one grade.
const record = (i) => ({
  variant: i % 2 ? 'draft' : 'published',
  row: i >> 1,
  iteration: 0,
  attempts: 1,
  runId: `run-${i}`,
  ok: true,
  error: null,
  scheduledAt: new Date().toISOString(),
  startedAt: new Date().toISOString(),
  ttfbMs: 12.3,
  ttftMs: 345.6,
  latencyMs: 987.6,
  queueMs: 0.4,
  inputs: { 'in-0': `question number ${i} about refunds and returns`, user_id: `flowbench-${i}` },
  expected: 'Refunds take 5 days.',
  output: 'Sure! Refunds take 5 business days once the item is back at our warehouse. Anything else I can help with? '.repeat(2),
  grades: [{ grader: 'icontains', pass: true, score: 1, reason: 'contains "refunds take 5 days"' }],
  pass: true,
  score: 1,
  metadata: null,
  feedback: null,
  timestamps: { scheduled: i, sent: i + 0.4, firstByte: i + 12.3, contentFrames: Array.from({ length: 25 }, (_, k) => i + 345.6 + k * 25), end: i + 987.6 },
});

const recs = Array.from({ length: 1000 }, (_, i) => record(i));
let t0 = performance.now();
const sink = new ResultsSink(file);
for (let i = 0; i < lines; i++) sink.write(recs[i % 1000]);
await sink.close();
const writeMs = performance.now() - t0;
const bytes = statSync(file).size;

t0 = performance.now();
let n = 0;
const scan = await scanResults(file, () => n++);
const readMs = performance.now() - t0;
rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      lines,
      bytesPerLine: Math.round(bytes / lines),
      fileMb: Math.round(bytes / 1e5) / 10,
      write: {
        seconds: Math.round(writeMs) / 1000,
        linesPerSecond: Math.round(lines / (writeMs / 1000)),
        microsecondsPerLine: Math.round(((writeMs * 1000) / lines) * 10) / 10,
      },
      resumeScan: { seconds: Math.round(readMs) / 1000, linesPerSecond: Math.round(n / (readMs / 1000)), tornBytes: scan.tornBytes },
    },
    null,
    2,
  ),
);
