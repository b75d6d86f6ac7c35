// Turns results.jsonl into the row table's data for report.html, streaming: each result becomes a
// compact array, written through gzip (the page inflates it with DecompressionStream), so a
// 100,000-row run needs neither the whole file in memory nor a 100 MB page.
import { createGzip } from 'node:zlib';
import { readResults } from '../read-results.js';
import { TimelineBuilder, type Timeline } from './timeline.js';

/** Longest text kept per field in report.html; the full text stays in results.jsonl. */
export const TEXT_LIMITS = { output: 2000, input: 1000, expected: 1000, error: 500, reason: 300 } as const;

/**
 * One result in the page: [variant index, row, iteration, ok 0|1, pass 1|0|null, score, ttftMs,
 * latencyMs, error kind, error message, inputs text, expected, output, output length, grades
 * [[grader, pass 0|1, score, reason, error 0|1]], attempts, runId]. Positions are read by page/rows.ts.
 */
export type PageRow = [
  number, number, number, 0 | 1, 0 | 1 | null, number | null, number | null, number,
  string | null, string | null, string, string | null, string, number,
  [string, 0 | 1, number, string, 0 | 1][], number, string | null,
];

export interface RowsData {
  /** gzip of the JSON array of PageRow, base64. */
  gzipBase64: string;
  count: number;
  /** Warm-up results: in results.jsonl, in no statistic, not shown in the page. */
  warmups: number;
  /** Results whose output was longer than TEXT_LIMITS.output. */
  truncatedOutputs: number;
  /** Variant names by the index rows use: report.json's, then any others results.jsonl holds. */
  variants: string[];
  timeline: Timeline | null;
}

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/** The flow inputs as text: one `key: value` line each (non-string values as JSON). */
export function inputsText(inputs: Record<string, unknown> | null | undefined): string {
  if (!inputs || typeof inputs !== 'object') return '';
  return Object.entries(inputs).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}

export async function readPageRows(resultsPath: string, reportVariants: string[]): Promise<RowsData> {
  const variantNames = [...reportVariants];
  const gzip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const index = new Map(variantNames.map((n, i) => [n, i]));
  const timeline = new TimelineBuilder(variantNames);
  let count = 0;
  let truncatedOutputs = 0;
  const write = (s: string) => (gzip.write(s) ? Promise.resolve() : new Promise<void>((r) => gzip.once('drain', () => r())));
  await write('[');
  let warmups = 0;
  for await (const r of readResults(resultsPath)) {
    if (r.warmup) {
      warmups++;
      continue;
    }
    let v = index.get(r.variant);
    if (v === undefined) {
      v = variantNames.length; // a variant report.json does not list (edited file): still shown
      variantNames.push(r.variant);
      index.set(r.variant, v);
    }
    timeline.add(r);
    const output = typeof r.output === 'string' ? r.output : '';
    if (output.length > TEXT_LIMITS.output) truncatedOutputs++;
    const row: PageRow = [
      v, r.row, r.iteration, r.ok ? 1 : 0, r.pass === null || r.pass === undefined ? null : r.pass ? 1 : 0,
      r.score ?? null, r.ttftMs ?? null, r.latencyMs,
      r.error?.kind ?? null, r.error ? cut(String(r.error.message ?? ''), TEXT_LIMITS.error) : null,
      cut(inputsText(r.inputs), TEXT_LIMITS.input),
      r.expected === null || r.expected === undefined ? null : cut(String(r.expected), TEXT_LIMITS.expected),
      cut(output, TEXT_LIMITS.output), output.length,
      (r.grades ?? []).map((g) => [String(g.grader), g.pass ? 1 : 0, g.score, cut(String(g.reason ?? ''), TEXT_LIMITS.reason), g.error ? 1 : 0]),
      r.attempts, r.runId ?? null,
    ];
    await write(`${count ? ',' : ''}${JSON.stringify(row)}`);
    count++;
  }
  gzip.end(']');
  await finished;
  return { gzipBase64: Buffer.concat(chunks).toString('base64'), count, warmups, truncatedOutputs, variants: variantNames, timeline: timeline.build() };
}
