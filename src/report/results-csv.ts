// results.csv: one line per result, flat columns (RFC 4180), streamed from results.jsonl. Inputs
// and numeric metadata fields get a column each (input.<key>, meta.<name>), found in a first pass.
import { join } from 'node:path';
import { resultMetrics } from '../metrics/result-metrics.js';
import type { ResultRecord } from '../record/result-record.js';
import { readResults } from './read-results.js';
import { PIECE_CHARS, textSlices } from './text-slices.js';
import { writeWhole } from './whole-file.js';

const FIXED = [
  'variant',
  'row',
  'iteration',
  'step',
  'attempts',
  'retried_on',
  'run_id',
  'ok',
  'error_kind',
  'error_status',
  'error_message',
  'scheduled_at',
  'started_at',
  'ttfb_ms',
  'ttft_ms',
  'latency_ms',
  'service_ms',
  'queue_ms',
  'send_lag_ms',
  'delayed',
  'harness_stall_ms',
  'content_frames',
  'itl_mean_ms',
  'itl_max_ms',
  'output_tokens',
  'output_tokens_source',
  'input_tokens',
  'tpot_ms',
  'tokens_per_second',
  'cost_usd',
  'unpriced_models',
  'server_latency_ms',
  'latency_gap_ms',
  'server_mismatch',
  'goodput',
  'first_content_node',
  'conversation',
  'turn',
  'warmup',
  'pass',
  'score',
  'grades_passed',
  'grades_total',
  'failed_graders',
  'grade_reasons',
  'expected',
  'output',
] as const;

/**
 * One CSV field. Text that a spreadsheet would run as a formula (starting with = + - @ tab or CR)
 * gets a leading apostrophe — OWASP's advice against CSV injection; numbers are written as they are.
 */
export function csvField(v: unknown, text = true): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  if (text && typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One result's line, as pieces: the line whole, unless a text in it is longer than PIECE_CHARS (a
 * 50 MB output): that text goes out escaped piece by piece, so no copy of it is made whole.
 */
function* linePieces(r: ResultRecord, inputKeys: string[], metaKeys: string[], repeats = false): Generator<string> {
  const grades = r.grades ?? [];
  // Derived in metrics/ (reporters compute nothing); a line without timestamps (hand-written) has none.
  const m = r.timestamps ? resultMetrics(r) : null;
  const cells: [unknown, boolean][] = [
    [r.variant, true],
    [r.row, false],
    [r.iteration, false],
    ...(repeats ? [[r.repeat, false] as [unknown, boolean]] : []),
    [r.step, false],
    [r.attempts, false],
    [r.retriedOn?.join('; '), true],
    [r.runId, true],
    [r.ok, false],
    [r.error?.kind, true],
    [r.error?.status, false],
    [r.error?.message, true],
    [r.scheduledAt, false],
    [r.startedAt, false],
    [r.ttfbMs, false],
    [r.ttftMs, false],
    [r.latencyMs, false],
    [m?.serviceMs, false],
    [r.queueMs, false],
    [r.sendLagMs, false],
    [r.delayed === true, false],
    [r.harnessStallMs ?? 0, false],
    [r.timestamps?.contentFrames?.length ?? null, false],
    [m?.itlMeanMs, false],
    [m?.itlMaxMs, false],
    [r.outputTokens?.count, false],
    [r.outputTokens?.source, true],
    [r.inputTokens?.count, false],
    [m?.tpotMs, false],
    [m?.tokensPerSecond, false],
    // Set where the record completed (metrics/result-extras.ts, metrics/timings.ts): empty when not measured.
    [r.costUsd, false],
    [r.unpricedModels?.join('; '), true],
    [r.serverLatencyMs, false],
    [r.latencyGapMs, false],
    [r.serverMismatch, true],
    [r.goodput, false],
    [r.firstContentNode, true],
    [r.conversation, true],
    [r.turn, false],
    [r.warmup === true, false],
    [r.pass, false],
    [r.score, false],
    [grades.filter((g) => g.pass).length, false],
    [grades.length, false],
    [
      grades
        .filter((g) => !g.pass)
        .map((g) => g.grader)
        .join('; '),
      true,
    ],
    [grades.map((g) => `${g.grader}: ${g.pass ? 'pass' : 'fail'} (${g.reason})`).join('; '), true],
    [r.expected, true],
    [r.output, true],
    ...inputKeys.map((k): [unknown, boolean] => [r.inputs?.[k], true]),
    ...metaKeys.map((k): [unknown, boolean] => [r.metadataFields?.[k], true]),
  ];
  let line = '';
  for (const [i, [v, text]] of cells.entries()) {
    if (i > 0) line += ',';
    if (typeof v !== 'string' || v.length <= PIECE_CHARS) {
      line += csvField(v, text);
      continue;
    }
    yield line;
    line = '';
    yield* longField(v, text);
  }
  yield `${line}\r\n`;
}

/** csvField of a long text, in pieces: the same characters. */
function* longField(s: string, text: boolean): Generator<string> {
  const apostrophe = text && /^[=+\-@\t\r]/.test(s) ? "'" : '';
  if (!/[",\r\n]/.test(s)) {
    yield apostrophe;
    yield* textSlices(s);
    return;
  }
  yield `"${apostrophe}`;
  for (const piece of textSlices(s)) yield piece.replace(/"/g, '""');
  yield '"';
}

export async function writeResultsCsv(dir: string): Promise<void> {
  const src = join(dir, 'results.jsonl');
  const inputKeys = new Set<string>();
  const metaKeys = new Set<string>();
  // A `repeat` column after `iteration` only when the suite repeats rows (suite `repeat`).
  let repeats = false;
  for await (const r of readResults(src)) {
    repeats ||= typeof r.repeat === 'number';
    for (const k of Object.keys(r.inputs ?? {})) inputKeys.add(k);
    for (const k of Object.keys(r.metadataFields ?? {})) metaKeys.add(k);
  }
  const ik = [...inputKeys];
  const mk = [...metaKeys];
  await writeWhole(join(dir, 'results.csv'), async (out) => {
    const fixed: string[] = repeats ? [...FIXED.slice(0, 3), 'repeat', ...FIXED.slice(3)] : [...FIXED];
    await out.write(`${[...fixed, ...ik.map((k) => `input.${k}`), ...mk.map((k) => `meta.${k}`)].map((h) => csvField(h)).join(',')}\r\n`);
    for await (const r of readResults(src)) for (const piece of linePieces(r, ik, mk, repeats)) await out.write(piece);
  });
}
