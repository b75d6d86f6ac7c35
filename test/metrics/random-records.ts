// Seeded random result records with every feature the statistics read (errors, retries, 429s, grades
// with judge calls, metadata fields, feedback, harness stalls, sweep steps, warm-up), for merge tests.
import { seeded, type Random } from '../../src/random/seeded.js';
import { countedTokens } from '../../src/metrics/output-tokens.js';
import { completeRecord } from '../../src/record/complete-record.js';
import type { RecordEnvelope, ResultRecord } from '../../src/record/result-record.js';
import type { ErrorKind } from '../../src/stackai/types.js';

export interface Sample {
  record: ResultRecord;
  env: RecordEnvelope;
}

const KINDS: ErrorKind[] = ['http_5xx', 'http_429', 'timeout', 'reset', 'incomplete_stream'];

/** A latency-like value, ms: mostly hundreds of ms, some sub-ms and some tens of seconds (wide HDR buckets). */
function spread(rand: Random): number {
  const u = rand();
  if (u < 0.05) return Math.round(rand() * 1000) / 1000;
  if (u < 0.1) return 10_000 + rand() * 90_000;
  return Math.round((50 + rand() * 2000) * 1000) / 1000;
}

export function randomSamples(n: number, seed: string, opts: { variants?: number; steps?: boolean; runSeconds?: number } = {}): Sample[] {
  const rand = seeded(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const variants = opts.variants ?? 2;
  const runMs = (opts.runSeconds ?? 20) * 1000;
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const ok = rand() > 0.15;
    const scheduled = Math.round(rand() * runMs * 1000) / 1000;
    const queue = rand() < 0.5 ? 0 : Math.round(rand() * 30 * 1000) / 1000;
    const latency = ok ? spread(rand) : Math.round(rand() * 5000 * 1000) / 1000;
    const end = scheduled + latency;
    // A failure may have had content (an answer cut short: the `incomplete` class).
    const streamed = (ok || rand() < 0.4) && rand() > 0.2;
    const frames: number[] = [];
    if (streamed) {
      let t = scheduled + queue + Math.min(latency - queue, spread(rand) / 4);
      const count = 1 + Math.floor(rand() * 6);
      for (let f = 0; f < count && t <= end; f++, t += rand() * 80) frames.push(Math.round(t * 1000) / 1000);
    }
    const graded = rand() > 0.1;
    const judge = graded && rand() < 0.3;
    const grades = graded
      ? [
          { grader: 'similarity', pass: rand() > 0.3, score: rand(), reason: '' },
          { grader: 'contains', pass: rand() > 0.5, score: Math.round(rand() * 100) / 100, reason: '', ...(rand() < 0.05 ? { error: true } : {}) },
          ...(judge
            ? [
                {
                  grader: 'judge',
                  pass: rand() > 0.5,
                  score: rand(),
                  reason: '',
                  judge: { flowId: 'j', runId: 'r', ok: rand() > 0.2, attempts: 1 + Math.floor(rand() * 2), latencyMs: spread(rand), output: '' },
                },
              ]
            : []),
        ]
      : [];
    const error = ok ? null : { kind: pick(KINDS), message: 'x', status: null };
    const retried = rand() < 0.1 ? (['http_429'] as ErrorKind[]) : undefined;
    const withMeta = rand() < 0.6;
    const record: ResultRecord = {
      variant: `v${i % variants}`,
      row: i,
      iteration: 0,
      attempts: 1 + (retried ? 1 : 0) + (rand() < 0.05 ? 1 : 0),
      ...(retried ? { retriedOn: retried } : {}),
      runId: 'r',
      ok,
      error,
      scheduledAt: '',
      startedAt: '',
      ttfbMs: ok && rand() > 0.1 ? Math.round(rand() * 50 * 1000) / 1000 : null,
      ttftMs: frames.length ? Math.round((frames[0]! - scheduled) * 1000) / 1000 : null,
      latencyMs: latency,
      queueMs: queue,
      inputs: {},
      expected: null,
      output: 'y'.repeat(Math.floor(rand() * 400)),
      grades,
      pass: graded ? grades.every((g) => g.pass) : null,
      score: graded ? grades.reduce((a, g) => a + g.score, 0) / grades.length : null,
      metadata: withMeta ? { llm_usage: [{ output_tokens: Math.floor(rand() * 300) }] } : null,
      ...(withMeta ? { metadataFields: { tokens: Math.floor(rand() * 1000), cost: rand() / 7, model: 'm', ...(rand() < 0.2 ? { rare: rand() } : {}) } } : {}),
      feedback: rand() < 0.3 ? { posted: rand() > 0.2, ...(rand() < 0.2 ? { dryRun: true } : {}), text: '', error: null } : null,
      attemptLog: [],
      ...(rand() < 0.05 ? { harnessStallMs: Math.round(rand() * 200 * 1000) / 1000 } : {}),
      timestamps: { scheduled, sent: scheduled + queue, firstByte: null, contentFrames: frames, end },
    };
    const warmup = rand() < 0.05;
    const env: RecordEnvelope = {
      variant: i % variants,
      warmup,
      step: !warmup && opts.steps ? Math.floor(rand() * 3) : null,
      sendLagMs: rand() < 0.3 ? rand() * 5 : 0,
      delayed: rand() < 0.1,
    };
    // A stand-in counter: these tests are about merging, not about the tokenizer.
    out.push({
      record: completeRecord(
        record,
        env,
        countedTokens(record, {}, (t) => Math.ceil(t.length / 3)),
      ),
      env,
    });
  }
  return out;
}

/** Splits items into `rounds` consecutive chunks of random sizes. */
export function rounds<T>(items: T[], count: number, rand: Random): T[][] {
  const cuts = Array.from({ length: count - 1 }, () => Math.floor(rand() * items.length)).sort((a, b) => a - b);
  const edges = [0, ...cuts, items.length];
  return edges.slice(1).map((e, i) => items.slice(edges[i]!, e));
}

/** The indices 0..n-1 in a random order. */
export function shuffled(n: number, rand: Random): number[] {
  const xs = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
