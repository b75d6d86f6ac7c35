// A grading thread (piscina task per batch): grades each record's output, has its output tokens counted
// by the run's token thread when its server reported none, then completes the record here when the run allows (line
// encoded once, statistics recorded in this thread). Its graders are
// loaded when the thread starts, so a grader module that throws on import fails the run before any
// request; around each grader's synchronous parts it writes which call it is in to shared memory, with
// the calls it has in flight and a heartbeat while its event loop turns, so the pool can stop a grader
// that never returns (src/grading/watchdog.ts).
import { threadId, workerData, type MessagePort } from 'node:worker_threads';
import { prepareGraders } from '../grade/registry.js';
import type { GradeOutcome } from '../grade/types.js';
import { startThreadWatch } from '../harness/thread-watch.js';
import { nowMs } from '../clock/clock.js';
import { countedTokens, reportedTokens, type RecordTokens } from '../metrics/output-tokens.js';
import { RunStatsShard } from '../metrics/run-stats.js';
import { TokenClient } from '../metrics/token-thread.js';
import { loadTokenCounter } from '../metrics/tokenizer.js';
import { completeRecord } from '../record/complete-record.js';
import { addResultExtras } from '../metrics/result-extras.js';
import type { ResultRecord } from '../record/result-record.js';
import { Redactor, targetSecrets } from '../stackai/redaction.js';
import type { JudgeCaller } from '../grade/types.js';
import type { StackAIClient } from '../stackai/client.js';
import { lowerThreadPriority, osThreadId } from '../harness/thread-priority.js';
import {
  BEAT_AT,
  CALL_GRADER,
  CALL_JOB,
  CALL_SINCE,
  OPEN_COUNT,
  OPEN_DEADLINE,
  OPEN_GRADER,
  OPEN_JOB,
  OS_TID,
  THREAD,
  type GradeTask,
  type GradeTaskResult,
  type GradingConfig,
} from './messages.js';

const config = workerData as GradingConfig;
lowerThreadPriority();
const tid = osThreadId() ?? 0;
const { judge } = config;
const hasJudge = config.graders.some((g) => g.type === 'judge' || g.type === 'not-judge');
// The HTTP client and the judge's cache load only in a run with a judge (about 20 modules the others skip).
const client = hasJudge
  ? new (await import('../stackai/client.js')).StackAIClient({
      baseUrl: judge.baseUrl,
      token: judge.token,
      connections: judge.connections,
      headers: judge.headers,
    })
  : null;
// Grades are written and posted back as feedback: a judge's answer or a script's reason may quote the token.
const redactor = client?.redactor() ?? new Redactor(targetSecrets(judge));

/** The judge's calls through `client`, behind the suite's judge cache when it has one. */
async function judgeCalls(client: StackAIClient): Promise<JudgeCaller> {
  const calls = (await import('./judge-caller.js')).judgeCaller(judge, client);
  const cache = config.judgeCache;
  if (cache === null) return calls;
  const { cachedJudgeCaller, JudgeCache } = await import('./judge-cache.js');
  return cachedJudgeCaller(calls, new JudgeCache(cache), cache.identity);
}

const grader = prepareGraders(config.graders, {
  dir: config.suiteDir,
  judge: client === null ? null : await judgeCalls(client),
  passScore: config.passScore,
});
// A failure here ends the thread before it is ready: the pool reports it as the suite's fault.
await grader.ready();
const stats = new RunStatsShard(config.variantCount);
const watch = startThreadWatch({ role: 'grading', stallMs: config.stallMs });
Atomics.add(config.booted, 0, 1);

const BEAT_EVERY_MS = 10;
const waits = grader.info.map((g) => g.waitMs);

export default async function gradeBatch(task: GradeTask): Promise<GradeTaskResult> {
  const w = task.watch;
  w[THREAD] = threadId;
  w[OS_TID] = tid;
  w[BEAT_AT] = nowMs();
  w[CALL_JOB] = -1;
  const open = openCalls(w, waits);
  const beat = setInterval(() => (w[BEAT_AT] = nowMs()), BEAT_EVERY_MS);
  try {
    const forced = new Map<number, Map<number, GradeOutcome>>();
    for (const [job, g, outcome] of task.forced) {
      let m = forced.get(job);
      if (!m) forced.set(job, (m = new Map()));
      m.set(g, outcome);
    }
    const records = await Promise.all(
      task.jobs.map(async (job, j) => {
        const record = JSON.parse(job.record) as ResultRecord;
        if (record.ok) {
          const graded = await grader.grade(
            {
              output: record.output,
              expected: record.expected,
              row: record.row,
              values: job.values,
              variant: record.variant,
              ttftMs: record.ttftMs,
              latencyMs: record.latencyMs,
              metadata: record.metadata,
              ...(job.conversationEnd === true && { conversationEnd: true }),
            },
            {
              forced: forced.get(j),
              oneAtATime: task.oneAtATime,
              calling: (index) => {
                // CALL_JOB says "inside a call": written last on the way in and first on the way out, so
                // the pool never pairs it with another call's grader or start (it also asks for a call to
                // be seen alike twice before stopping it: src/grading/watchdog.ts).
                if (index < 0) w[CALL_JOB] = -1;
                w[CALL_GRADER] = index;
                w[CALL_SINCE] = nowMs();
                if (index >= 0) {
                  w[CALL_JOB] = j;
                  open.start(j, index);
                }
              },
              settled: (index) => open.end(j, index),
            },
          );
          record.grades = redactor.deep(graded.grades);
          record.pass = graded.pass;
          record.score = graded.score;
        }
        return record;
      }),
    );
    // Answers their server reported no output tokens for are counted off the timing threads.
    const counted = await tokensOf(records, task.tokens);
    let text = '';
    const back: string[] = [];
    const tokens: RecordTokens[] = [];
    for (let j = 0; j < records.length; j++) {
      const t = counted[j]!;
      if (config.complete) {
        const r = addResultExtras(completeRecord(records[j]!, task.jobs[j]!.env, t), config.extras);
        text += `${JSON.stringify(r)}\n`;
        stats.add(r, task.jobs[j]!.env);
      } else {
        back.push(JSON.stringify(records[j]));
        tokens.push(t);
      }
    }
    return { text, records: back, tokens, delta: stats.take(), watch: watch.snapshot() };
  } finally {
    clearInterval(beat);
    task.tokens?.close();
  }
}

/**
 * The records' tokens: as their server reported them, else counted by the run's token thread over the
 * batch's port (one tokenizer for the run), else (no port: a caller that starts no token thread) by the
 * tokenizer loaded here.
 */
async function tokensOf(records: ResultRecord[], port: MessagePort | undefined): Promise<RecordTokens[]> {
  const reported = records.map((r) => reportedTokens(r, config.tokens));
  if (!reported.includes(null)) return reported as RecordTokens[];
  if (port === undefined) {
    const count = await loadTokenCounter();
    return records.map((r, j) => reported[j] ?? countedTokens(r, config.tokens, count));
  }
  const client = new TokenClient(port, config.tokens, 'manual');
  const all = records.map(
    (r, j) =>
      reported[j] ??
      new Promise<RecordTokens>((resolve) => {
        const now = client.tokensOf(r, resolve);
        if (now !== undefined) resolve(now);
      }),
  );
  client.flush();
  return Promise.all(all);
}

/** The task's calls started and not settled, in its watch: how many, which one when there is one, and the last deadline. */
function openCalls(w: Float64Array, waits: readonly (number | null)[]) {
  const open = new Map<string, { job: number; grader: number; deadline: number }>();
  // The count last, as CALL_JOB: a watchdog round reading in between never pairs it with a stale deadline.
  const publish = () => {
    let last = 0;
    for (const c of open.values()) last = Math.max(last, c.deadline);
    w[OPEN_DEADLINE] = last;
    const only = open.size === 1 ? open.values().next().value! : null;
    if (only !== null) {
      w[OPEN_JOB] = only.job;
      w[OPEN_GRADER] = only.grader;
    }
    w[OPEN_COUNT] = open.size;
  };
  return {
    start(job: number, grader: number) {
      const key = `${job}:${grader}`;
      if (open.has(key)) return; // a part it marks later, in the same call
      const wait = waits[grader] ?? null;
      open.set(key, { job, grader, deadline: wait === null ? Infinity : nowMs() + wait });
      publish();
    },
    end(job: number, grader: number) {
      open.delete(`${job}:${grader}`);
      publish();
    },
  };
}
