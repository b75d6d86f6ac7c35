// The validated, normalised suite that every later stage reads. The loader is the only producer.
import type { LoadSpec } from '../load/registry.js';
import type { DatasetSpec } from '../dataset/dataset-spec.js';
import type { GraderSpec } from '../grade/grader-spec.js';
import type { Mode, StreamOptions } from '../stackai/types.js';
import type { GoodputSpec } from '../metrics/goodput.js';
import type { PriceTable } from '../metrics/cost.js';
import type { ServerLatencySpec } from '../metrics/server-view.js';

export interface TargetSpec {
  /** 'simulator' or an http(s) URL without trailing slash. */
  baseUrl: string;
  orgId: string;
  flowId: string;
  /** May be ''. Never printed, logged or written anywhere. */
  token: string;
  /** Extra headers on every call (lower-cased names); like the token, never printed. */
  headers: Record<string, string>;
  /** Only used when baseUrl is 'simulator'. flows: absolute path to a flows YAML (default: the bundled demo flows). */
  simulator: { flows: string | null; seed: number };
}

export type { DatasetSpec } from '../dataset/dataset-spec.js';

export interface VariantSpec {
  name: string;
  /** -1 = latest published; null = do not send `version`. */
  version: number | null;
  runDraft: boolean;
  /** The `verbose` query parameter for this variant's calls; undefined: not sent. */
  verbose?: boolean;
}

/**
 * What every load model shares: the in-flight count (or cap), when to stop, warm-up, and how each request
 * is timed and retried. A model's own settings are on its member of `LoadSpec` (src/load/models/).
 */
export interface LoadBase {
  /** Closed loop: requests in flight; open loop (rate, rate stages, sweep): the in-flight cap. */
  concurrency: number;
  /** Passes over the dataset; null = cycle the rows until the duration, request count or stages end. */
  iterations: number | null;
  /** Stop starting new requests after this many ms (null: no time limit). A sweep's steps have their own. */
  durationMs: number | null;
  /**
   * Inter-arrival times of the models that send at a rate (and of a warm-up at a rate): evenly spaced, or
   * exponential (a Poisson process). Kept on every model: `--rate` can turn any suite into an open loop.
   */
  arrival: 'constant' | 'poisson';
  /** Stop after this many (measured) requests; null = no count limit. A sweep is not cut by it. */
  requests: number | null;
  /** Requests sent first and excluded from statistics (kept in results.jsonl with warmup: true). */
  warmup: { requests: number } | { durationMs: number } | null;
  /** After Ctrl-C: how long in-flight requests may still finish, ms. */
  graceMs: number;
  /** A request thread's event-loop gap longer than this is a harness stall, ms. */
  stallMs: number;
  /** Seed of the Poisson arrival draws. */
  seed: number;
  /** Total time allowed per request, ms. */
  timeoutMs: number;
  /** Retries on 429 / 5xx / connection errors. */
  retries: number;
  /** Time allowed to open a connection, ms. These four are set by suite/resilience-spec.ts (absent: client defaults). */
  connectTimeoutMs?: number;
  /** Stream modes: time allowed from send to the response headers, ms. */
  firstByteTimeoutMs?: number;
  /** Time allowed with no frame or keep-alive line once the response began, ms. */
  idleTimeoutMs?: number;
  /** Also retry streams that failed after content began. */
  retryPartial?: boolean;
}

/** The suite's load: one member per model, told apart by `kind` (the union is the registry's, src/load/registry.ts). */
export type { LoadSpec };

export interface LoadStage {
  kind: 'rate' | 'concurrency';
  /** Value at the stage's start (requests/s or requests in flight). */
  from: number;
  /** Value at the stage's end (default: `from`). */
  to: number;
  durationMs: number;
}

export interface SweepSpec {
  /** First and last rate, requests/s. */
  from: number;
  to: number;
  steps: number;
  /** Length of each step, ms. */
  durationMs: number;
  /** The sweep passes only when its sustainable rate is at least this, requests/s; null: any sustainable rate. */
  minRate: number | null;
  /** How the sustainable rate is chosen: the highest step meeting the thresholds (absent), or the step of the highest goodput. */
  by?: 'thresholds' | 'goodput';
}

export type { GraderSpec } from '../grade/grader-spec.js';

export interface MetadataSpec {
  fetch: boolean;
  /** name -> dotted path into the metadata object (e.g. llm_usage.0.model_id). */
  fields: Record<string, string>;
  /** Dotted path to the output tokens the server reports (e.g. usage.completion_tokens); null: llm_usage, else the tokenizer. */
  outputTokens: string | null;
  /** Dotted path to the input tokens the server reports (e.g. usage.prompt_tokens); null: llm_usage. */
  inputTokens: string | null;
  /** Where the server reports its own latency (absent: StackAI's `latency`, in seconds). */
  serverLatency?: ServerLatencySpec | null;
}

/** `cost:` prices per model (USD per million tokens) and the tokens a run is expected to use (for plan and budget). */
export interface CostSpec {
  prices: PriceTable;
  /** model -> tokens per flow run. */
  expectedTokens: Record<string, { input: number; output: number }>;
}

/** `budget:` (and --max-runs): null = no limit of that kind. */
export interface BudgetSpec {
  maxRuns: number | null;
  maxCostUsd: number | null;
}

/** `metrics:` (and --metrics-port): the live Prometheus endpoint. */
export interface MetricsSpec {
  /** On 127.0.0.1; 0 = a free port; null: no endpoint (push only). */
  port: number | null;
  /** Remote write every intervalMs (null: none). */
  push: { url: string; intervalMs: number } | null;
  /** After the run, the endpoint waits this long at most for one more scrape (0: closes at once). */
  lingerMs: number;
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
  /** Runs of every row per variant in each pass (1: no repeats); see runner/plan.ts for the order. */
  repeat: number;
  load: LoadSpec;
  metadata: MetadataSpec;
  graders: GraderSpec[];
  /** Row passes when its weighted grade score >= passScore and its `required` graders pass; null = every grader must pass. */
  passScore: number | null;
  /** Without an error_rate threshold: a variant whose error rate is above this fails the run (0..1). */
  maxErrorRate: number;
  /** Stop sending once more than errorRate of the measured requests failed, judged after `after` of them. */
  stopOn: { errorRate: number; after: number } | null;
  feedback: FeedbackSpec;
  /** Prices and expected tokens (absent or null: no cost). */
  cost?: CostSpec | null;
  /** Goodput objectives (absent or null: no goodput). */
  goodput?: GoodputSpec | null;
  /** Run budget (absent or null: none). */
  budget?: BudgetSpec | null;
  /** Live Prometheus endpoint (absent or null: none). */
  metrics?: MetricsSpec | null;
  /** metric -> expression, e.g. ttft_p95_ms: "< 1500" (kept raw; evaluated by the thresholds stage). */
  thresholds: Record<string, string>;
  /** baseline null = the first variant; gates are checked at load time by compare/gates.ts. */
  compare: { baseline: string | null; failOn: Record<string, string | number>; alpha: number } | null;
  /** Report folder template, relative to the current directory: {{name}}, {{timestamp}} (runner/report-folder.ts). */
  report: {
    dir: string;
    /** report.checkpoint: ms between the partial report.json + summary.md rewrites during a run; null: none (absent: the default, 60 s). */
    checkpointMs?: number | null;
  };
}

/** Command-line flags that override the suite (DESIGN §2). */
export interface SuiteOverrides {
  baseUrl?: string;
  concurrency?: number;
  rate?: number;
  arrival?: string;
  requests?: number;
  duration?: string;
  limit?: number;
  /** --repeat N: the suite's `repeat`. */
  repeat?: number;
  out?: string;
  variants?: string[];
  mode?: Mode;
  /** --max-runs: budget.max_runs. */
  maxRuns?: number;
  /** --metrics-port: metrics.port. */
  metricsPort?: number;
  /** --checkpoint: report.checkpoint. */
  checkpoint?: string;
  /** --shard I/N's N: the load caps (load-caps.ts) apply to each shard's share. Changes nothing in the suite. */
  shards?: number;
}
