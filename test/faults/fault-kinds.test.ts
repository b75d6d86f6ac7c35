// One suite per fault kind against the faulty simulator: the error kinds, their counts and the retries in
// report.json match what the simulator's seeded plan says must happen, and results.jsonl has exactly one
// line per planned request. The prediction is computed from the simulator's own plan, row by row.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/plan.js';
import { readJson, readJsonl } from '../helpers/cli.js';
import { faultOf, question, runFaultSuite, runFaultSuiteInProcess } from './helpers.js';

// Kinds and counts, not timings: its runs start cold, as every test's do (test/helpers/cold-by-default.ts).

interface Line {
  variant: string;
  row: number;
  iteration: number;
  attempts: number;
  ok: boolean;
  error: { kind: string; message: string } | null;
  output: string;
  retriedOn?: string[];
}
interface VariantReport {
  requests: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  retries: number;
  rateLimited: number;
}

const ROWS = 20;
const RETRIES = 2;

/** What one fault does to a stream request here: its error kind (null = success) and whether it is retried. */
function effect(fault: Fault, mode: 'stream' | 'run', retryPartial: boolean): { kind: string | null; retry: boolean } {
  const run = mode === 'run';
  switch (fault) {
    case 'none':
    case 'slow':
    case 'huge':
    case 'run_id_change':
      return { kind: run && fault === 'run_id_change' ? null : fault === 'run_id_change' ? 'protocol' : null, retry: false };
    case 'http_429':
      return { kind: 'http_429', retry: true };
    case 'http_500':
    case 'http_502':
    case 'http_503':
      return { kind: 'http_5xx', retry: true };
    case 'reset':
      return { kind: 'reset', retry: true }; // before any header
    case 'disconnect':
      return { kind: 'reset', retry: run || retryPartial }; // stream: content had begun
    case 'stall':
      return { kind: 'timeout', retry: retryPartial };
    case 'eof':
      return { kind: run ? 'protocol' : 'incomplete_stream', retry: !run && retryPartial };
    case 'error':
      return { kind: 'flow_error', retry: false };
    case 'pause':
      return { kind: 'paused', retry: false };
    case 'garbage':
      return { kind: 'protocol', retry: false };
  }
}

/** Per row: the final error kind (null = ok) and the attempts, following the simulator's draws attempt by attempt. */
function predict(flow: string, mode: 'stream' | 'run', retryPartial = false): Array<{ kind: string | null; attempts: number }> {
  return Array.from({ length: ROWS }, (_, row) => {
    for (let attempt = 1; ; attempt++) {
      const e = effect(faultOf(flow, question(row), attempt - 1), mode, retryPartial);
      if (e.kind === null || !e.retry || attempt > RETRIES) return { kind: e.kind, attempts: attempt };
    }
  });
}

const tally = (kinds: Array<string | null>) => {
  const out: Record<string, number> = {};
  for (const k of kinds) if (k !== null) out[k] = (out[k] ?? 0) + 1;
  return out;
};

const CASES: Array<{ flow: string; mode?: 'stream' | 'run'; load?: Record<string, unknown>; sse?: boolean; expectKinds: string[] }> = [
  { flow: 'fault-429', expectKinds: ['http_429'] },
  { flow: 'fault-429-date', expectKinds: [] }, // 1 s Retry-After dates: every row gets through within 2 retries here
  { flow: 'fault-5xx', expectKinds: ['http_5xx'] },
  { flow: 'fault-reset', expectKinds: ['reset'] },
  { flow: 'fault-disconnect', expectKinds: ['reset'] },
  { flow: 'fault-disconnect', load: { retry_partial: true }, expectKinds: [] },
  { flow: 'fault-stall', load: { idle_timeout: '1500ms' }, expectKinds: ['timeout'] },
  { flow: 'fault-stall-headers', load: { first_byte_timeout: '1500ms' }, expectKinds: ['timeout'] },
  { flow: 'fault-eof', expectKinds: ['incomplete_stream'] },
  { flow: 'fault-error', expectKinds: ['flow_error'] },
  { flow: 'fault-pause', expectKinds: ['paused'] },
  { flow: 'fault-garbage', expectKinds: ['protocol'] },
  { flow: 'fault-run-id', expectKinds: ['protocol'] },
  { flow: 'fault-garbage', sse: true, expectKinds: ['protocol'] },
  { flow: 'fault-slow', expectKinds: [] },
  { flow: 'fault-huge', expectKinds: [] },
  { flow: 'fault-eof', mode: 'run', expectKinds: ['protocol'] },
  { flow: 'fault-pause', mode: 'run', expectKinds: ['paused'] },
  { flow: 'fault-garbage', mode: 'run', expectKinds: ['protocol'] },
];

// Through the CLI, as a user runs it, where what it prints is checked (the rate-limit hint) and for one
// kind of each family; the others in this process through the library (the same runner, the same exit
// code), which spares each a CLI process's start-up.
const VIA_CLI = new Set(['fault-429', 'fault-stall', 'fault-eof']);

describe.concurrent('every fault kind, end to end', () => {
  const named = CASES.map((c) => ({
    ...c,
    cli: VIA_CLI.has(c.flow) && (c.mode ?? 'stream') === 'stream' && c.load === undefined,
    name: `${c.flow}, ${c.mode ?? 'stream'} mode${c.sse ? ' (SSE)' : ''}${c.load ? `, ${JSON.stringify(c.load)}` : ''}`,
  }));
  it.each(named)('$name', async ({ flow, mode = 'stream', load = {}, sse = false, expectKinds, cli: viaCli }) => {
    const retryPartial = load.retry_partial === true;
    const want = predict(flow, mode, retryPartial);
    const extra = `mode: ${mode}\nstream: { sse: ${sse} }\n`;
    let out: string;
    let exitCode: number | null;
    let stdout = '';
    if (viaCli) {
      const run = await runFaultSuite(flow, ROWS, { retries: RETRIES, ...load }, extra);
      expect(run.cli.stderr).not.toMatch(/internal error|\n\s+at /);
      ({
        out,
        cli: { code: exitCode, stdout },
      } = run);
    } else ({ out, exitCode } = await runFaultSuiteInProcess(flow, ROWS, { retries: RETRIES, ...load }, extra));
    // No thresholds: faults are reported, not fatal, unless more than max_error_rate (default 0.5) of the
    // requests failed (then the run fails, exit 1: a verdict is never kinder than the run).
    const failedShare = want.filter((w) => w.kind !== null).length / ROWS;
    expect(exitCode).toBe(failedShare > 0.5 ? 1 : 0);

    const lines = readJsonl<Line>(join(out, 'results.jsonl'));
    expect(lines).toHaveLength(ROWS); // one line per planned request
    expect(new Set(lines.map((l) => l.row)).size).toBe(ROWS);
    for (const l of lines) {
      expect({ row: l.row, kind: l.error?.kind ?? null, attempts: l.attempts }).toEqual({ row: l.row, ...want[l.row]! });
      expect(l.ok).toBe(l.error === null);
      if (l.attempts > 1) expect(l.retriedOn).toHaveLength(l.attempts - 1);
      if (l.ok) expect(l.output.startsWith(question(l.row))).toBe(true);
    }

    const v = readJson<{ variants: VariantReport[] }>(join(out, 'report.json')).variants[0]!;
    const kinds = tally(want.map((w) => w.kind));
    expect(Object.keys(kinds).sort()).toEqual([...expectKinds].sort());
    expect(v.errorKinds).toEqual(kinds);
    expect(v.requests).toBe(ROWS);
    expect(v.errors).toBe(want.filter((w) => w.kind !== null).length);
    expect(v.ok).toBe(ROWS - v.errors);
    expect(v.retries).toBe(want.reduce((s, w) => s + w.attempts - 1, 0));
    const met429 = lines.filter((l) => l.error?.kind === 'http_429' || l.retriedOn?.includes('http_429')).length;
    expect(v.rateLimited).toBe(met429);
    if (flow === 'fault-429') expect(stdout).toMatch(/\d+ % of requests were rate-limited .*; lower concurrency or rate/);
    if (flow === 'fault-huge') expect(Math.max(...lines.map((l) => l.output.length))).toBeGreaterThanOrEqual(256 * 1024);
  });
});
