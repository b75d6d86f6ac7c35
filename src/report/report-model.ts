// The shape of report.json (DESIGN §3, schemaVersion 1). Reporters render it; they compute nothing.
import type { ThresholdResult } from '../metrics/thresholds.js';
import type { VariantSummary } from '../metrics/variant-stats.js';
import type { Mode } from '../stackai/types.js';

export interface VariantReport extends VariantSummary {
  name: string;
  params: { version: number | null; runDraft: boolean };
}

export interface Report {
  schemaVersion: 1;
  suite: string;
  suiteFile: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** True when the run was cut short (Ctrl-C or a fatal error); the numbers cover what finished. */
  partial: boolean;
  target: { baseUrl: string; orgId: string; flowId: string; mode: Mode };
  load: { concurrency: number; iterations: number; rate: number | null; durationMs: number | null; threads: number };
  variants: VariantReport[];
  thresholds: ThresholdResult[];
  comparisons: unknown[];
  verdict: 'pass' | 'fail';
}
