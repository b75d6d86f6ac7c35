// The validated, normalised suite that every later stage reads. The loader is the only producer.
import type { Mode, StreamOptions } from '../stackai/types.js';

export interface TargetSpec {
  /** 'simulator' or an http(s) URL without trailing slash. */
  baseUrl: string;
  orgId: string;
  flowId: string;
  /** May be ''. Never printed, logged or written anywhere. */
  token: string;
  /** Only used when baseUrl is 'simulator'. flows: absolute path to a flows YAML (default: the bundled demo flows). */
  simulator: { flows: string | null; seed: number };
}

export interface DatasetSpec {
  /** Absolute path. */
  path: string;
  format: 'csv' | 'jsonl' | 'json';
  /** Flow inputs per row. String values are templates ({{column}}, {{row}}); other values pass through as they are. */
  inputs: Record<string, unknown>;
  /** Template for the expected answer, or null. */
  expected: string | null;
  limit: number | null;
}

export interface VariantSpec {
  name: string;
  /** -1 = latest published; null = do not send `version`. */
  version: number | null;
  runDraft: boolean;
}

export interface LoadSpec {
  /** Closed loop: max requests in flight. */
  concurrency: number;
  /** Passes over the dataset. */
  iterations: number;
  /** Optional run duration cap in ms (closed loop stops starting new requests after it). */
  durationMs: number | null;
  /** Open loop requests per second (null = closed loop). */
  rate: number | null;
  /** Total time allowed per request, ms. */
  timeoutMs: number;
  /** Retries on 429 / 5xx / connection errors. */
  retries: number;
}

/** A grader as written in the suite; the grade/ registry validates type-specific keys. */
export interface GraderSpec {
  type: string;
  [key: string]: unknown;
}

export interface MetadataSpec {
  fetch: boolean;
  /** name -> dotted path into the metadata object (e.g. llm_usage.0.model_id). */
  fields: Record<string, string>;
}

export interface FeedbackSpec {
  post: boolean;
  when: 'always' | 'pass' | 'fail';
  template: string | null;
}

export interface Suite {
  /** Absolute path of the suite file and its folder. */
  file: string;
  dir: string;
  name: string;
  target: TargetSpec;
  dataset: DatasetSpec;
  mode: Mode;
  stream: StreamOptions;
  /** The output key that is "the answer". */
  output: string;
  variants: VariantSpec[];
  load: LoadSpec;
  metadata: MetadataSpec;
  graders: GraderSpec[];
  feedback: FeedbackSpec;
  /** metric -> expression, e.g. ttft_p95_ms: "< 1500" (kept raw; evaluated by the thresholds stage). */
  thresholds: Record<string, string>;
  compare: { baseline: string | null; failOn: Record<string, string | number> } | null;
  /** Report folder template, relative to the current directory: {{name}}, {{timestamp}}. */
  report: { dir: string };
}

/** Command-line flags that override the suite (DESIGN §2). */
export interface SuiteOverrides {
  baseUrl?: string;
  concurrency?: number;
  rate?: number;
  duration?: string;
  limit?: number;
  out?: string;
  variants?: string[];
  mode?: Mode;
}
