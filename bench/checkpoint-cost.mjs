// What one checkpoint costs at a large run: a RunRebuild is fed every line of a finished run folder's
// results.jsonl but the last `tail` (what the checkpoint thread has counted by then), then one checkpoint
// is made as the thread makes it: read and count the last lines, build the report (no comparisons, no
// repeats), write report.json and summary.md whole. Prints the time of each part, on an otherwise
// unhurried thread (the checkpoint thread itself runs at nice 19 and can take longer on a busy machine).
// The folder is copied first (its report.json is overwritten).
// Usage: node bench/checkpoint-cost.mjs RUN_DIR [tail=200]
import { cpSync, createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { openRebuild } from '../dist/runner/rebuild-report.js';
import { scanResults } from '../dist/runner/resume.js';
import { writeReportJson } from '../dist/report/write-reports.js';
import { writeMarkdownSummary } from '../dist/report/markdown-summary.js';
import { conditions, r1, tempDir } from './lib/harness.mjs';

const [src, tailArg] = process.argv.slice(2);
const tail = Number(tailArg ?? 200);
const dir = join(tempDir(), 'run');
cpSync(src, dir, { recursive: true, filter: (p) => !p.endsWith('.html') && !p.endsWith('.csv') });
const path = join(dir, 'results.jsonl');
const size = statSync(path).size;

// Where the last `tail` lines start: one pass over the bytes, keeping the last tail + 1 line ends.
const ends = [];
let lines = 0;
let offset = 0;
for await (const chunk of createReadStream(path)) {
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) {
    ends.push(offset + i + 1);
    if (ends.length > tail + 1) ends.shift();
    lines++;
  }
  offset += chunk.length;
}
const cut = ends.length > tail ? ends[0] : 0;
const before = lines - Math.min(tail, lines);
const rebuild = await openRebuild(dir);
let t = performance.now();
await scanResults(path, (r) => rebuild.add(r), { start: 0, end: cut, linesBefore: 0 });
const feedMs = performance.now() - t;
t = performance.now();
const last = await scanResults(path, (r) => rebuild.add(r), { start: cut, end: size, linesBefore: before });
const readMs = performance.now() - t;
t = performance.now();
const report = await rebuild.report(true, false);
const assembleMs = performance.now() - t;
t = performance.now();
await writeReportJson(dir, report);
await writeMarkdownSummary(dir, report);
const writeMs = performance.now() - t;
console.log(`# checkpoint-cost (${conditions()})`);
console.log(
  JSON.stringify({
    lines,
    fileMb: r1(size / 1024 / 1024),
    countedBeforeMs: Math.round(feedMs),
    lastLines: last.lines,
    readLastMs: r1(readMs),
    assembleMs: r1(assembleMs),
    writeMs: r1(writeMs),
    checkpointMs: r1(readMs + assembleMs + writeMs),
    reportJsonKb: r1(statSync(join(dir, 'report.json')).size / 1024),
  }),
);
