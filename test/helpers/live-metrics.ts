// Test helpers for the live Prometheus endpoint: a small parser of the text exposition format, the counts a
// run's results.jsonl says the endpoint should show, and a suite folder with an ok and a failing variant.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interTokenLatencies } from '../../src/metrics/timings.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { tempDir } from './cli.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

/** Prometheus' text format 0.0.4: # HELP / # TYPE lines and `name{a="b",…} value` samples. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'TYPE' ? types : help).set(meta[2]!, meta[3]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, help, samples };
}

/** The value of the one sample of `name` with exactly these labels (undefined when absent). */
export function sampleValue(e: Exposition, name: string, labels: Record<string, string>): number | undefined {
  const keys = Object.keys(labels);
  return e.samples.find((s) => s.name === name && Object.keys(s.labels).length === keys.length && keys.every((k) => s.labels[k] === labels[k]))?.value;
}

/** Measured requests per variant and outcome (ok, or the error kind), as flowbench_requests_total counts them. */
export function outcomeCounts(records: ResultRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (r.warmup === true) continue;
    const key = `${r.variant}/${r.ok ? 'ok' : (r.error?.kind ?? 'unclassified')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The values of one timing per variant, ms, with the endpoint's selection (latency, TTFT, ITL: ok results only). */
export function timingValues(records: ResultRecord[], timing: 'ttft' | 'latency' | 'itl' | 'queue'): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of records) {
    if (r.warmup === true) continue;
    const list = out.get(r.variant) ?? [];
    out.set(r.variant, list);
    if (timing === 'queue') list.push(r.queueMs);
    else if (!r.ok) continue;
    else if (timing === 'latency') list.push(r.latencyMs);
    else if (timing === 'ttft') {
      if (r.ttftMs !== null) list.push(r.ttftMs);
    } else list.push(...interTokenLatencies(r.timestamps.contentFrames));
  }
  return out;
}

const FLOWS = `seed: 7
flows:
  echo:
    answers: echo
    defaults: { quality: 1, progress_ms: 5, ttft_ms: 40, tokens_per_s: 400, words_per_frame: 1, jitter: 0.5 }
    versions:
      1: {}
      2: { http_500_rate: 0.25, error_rate: 0.15 }
`;

/**
 * A suite folder: `rows` questions, variant `steady` (version 1) and `flaky` (version 2: HTTP 500s and
 * flow errors, no retries), streamed; `extra` adds keys (graders, load, metrics).
 */
export function liveSuite(rows: number, extra: string): string {
  const dir = tempDir('flowbench-live-');
  writeFileSync(join(dir, 'flows.yaml'), FLOWS);
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: rows }, (_, i) => `say ${i} words`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: live-metrics\ntarget: { flow_id: echo, token: LIVE-CANARY-TOKEN-9f3, simulator: { flows: flows.yaml } }\n` +
      `dataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }\nmode: stream\n` +
      `variants: [{ name: steady, version: 1 }, { name: flaky, version: 2 }]\n${extra}\n`,
  );
  return dir;
}

export const CANARY_TOKEN = 'LIVE-CANARY-TOKEN-9f3';
