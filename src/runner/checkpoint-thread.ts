// The checkpoint thread: while a run goes on it reads what results.jsonl gained since its last look,
// counts those lines into a RunRebuild (the counting `flowbench report DIR` does) and rewrites
// report.json (partial, reason "checkpoint") and summary.md, each whole by an atomic rename. It has its
// own statistics: the run's histograms are never read, copied or reset, and no record is parsed on the
// thread that schedules the load. What it writes covers exactly the whole lines it read.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointCover } from '../report/report-model.js';
import { writeMarkdownSummary } from '../report/markdown-summary.js';
import { writeReportJson } from '../report/write-reports.js';
import type { CheckpointThreadData, FromCheckpointThread, ToCheckpointThread } from './checkpoint-messages.js';
import { openRebuild } from './rebuild-report.js';
import { lowerThreadPriority } from '../harness/thread-priority.js';
import { RESULTS_FILE, scanResults } from './resume.js';

const data = workerData as CheckpointThreadData;
const port = parentPort!;
const post = (msg: FromCheckpointThread) => port.postMessage(msg);

/** How often the new lines are read and counted: the work spreads over the interval instead of coming at once. */
const READ_EVERY_MS = 1000;

// A low CPU priority: on a small machine this thread yields to the timing threads. Not the lowest (19,
// the grading threads'): there, a machine kept busy starved it for minutes, and a checkpoint far behind
// the run is what a crash would leave. At 10 it still gets about a tenth of a busy core's share.
const CHECKPOINT_NICE = 10;
lowerThreadPriority(CHECKPOINT_NICE);

let stopping = false;
let reading = false;
/** One step at a time (a read, a checkpoint): each waits for the one before. */
let busy: Promise<void> = Promise.resolve();
let reader: NodeJS.Timeout | null = null;
let timer: NodeJS.Timeout | null = null;
/** Whole lines read so far, and the bytes they take: the next look starts there. */
let lines = 0;
let bytes = 0;

const rebuild = await openRebuild(data.dir);
const path = join(data.dir, RESULTS_FILE);

/** Counts the whole lines results.jsonl gained since the last look. */
async function readNew(): Promise<void> {
  const size = (await stat(path)).size;
  // A line still being appended has no newline yet: it is left for the next look, whole.
  const scan = await scanResults(path, (r) => rebuild.add(r), { start: bytes, end: size, linesBefore: lines });
  lines += scan.lines;
  bytes += scan.wholeBytes;
}

async function checkpoint(): Promise<void> {
  const began = performance.now();
  await readNew();
  // Comparisons and repeats would read the whole file again at every checkpoint: the final report has them.
  const report = await rebuild.report(true, false);
  const until = Number.isFinite(rebuild.lastEndMs) ? rebuild.originMs + rebuild.lastEndMs : rebuild.originMs;
  const cover: CheckpointCover = {
    writtenAt: new Date().toISOString(),
    until: new Date(until).toISOString(),
    results: lines,
    bytes,
    tookMs: Math.round((performance.now() - began) * 10) / 10,
  };
  report.partialReason = 'checkpoint';
  report.checkpoint = cover;
  const written = performance.now();
  // report.json first: the file a crash must leave readable; summary.md is rendered from it.
  await writeReportJson(data.dir, report);
  await writeMarkdownSummary(data.dir, report);
  post({ type: 'written', cover, writeMs: Math.round((performance.now() - written) * 10) / 10 });
}

/** Runs `step` after the steps before it; a failure ends every further step. */
function serial(step: () => Promise<void>): Promise<void> {
  busy = busy.then(async () => {
    if (stopping) return;
    try {
      await step();
    } catch (err) {
      // Its counts may now hold part of a scan: no further checkpoint could be trusted.
      stop();
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  });
  return busy;
}

function schedule(delayMs: number): void {
  timer = setTimeout(() => {
    timer = null;
    const began = performance.now();
    // Every `everyMs` from one start to the next; a checkpoint longer than that is followed at once.
    void serial(checkpoint).then(() => {
      if (!stopping) schedule(Math.max(0, data.everyMs - (performance.now() - began)));
    });
  }, delayMs);
}

function stop(): void {
  stopping = true;
  if (timer !== null) clearTimeout(timer);
  if (reader !== null) clearInterval(reader);
}

port.on('message', (msg: ToCheckpointThread) => {
  if (msg.type !== 'stop') return;
  stop();
  // A checkpoint being written finishes first: the run's final report must rename over it, never under it.
  void busy.then(() => {
    post({ type: 'stopped' });
    port.close();
  });
});

schedule(0);
reader = setInterval(() => {
  // Skipped while a step is still going: reads never queue up behind a slow disk.
  if (!reading) {
    reading = true;
    void serial(readNew).finally(() => (reading = false));
  }
}, READ_EVERY_MS);
