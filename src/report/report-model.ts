// The shape of report.json (DESIGN §3, schemaVersion 1). Reporters render it; they compute nothing.
import type { LoadModel } from '../load/model.js';
import type { FlatLoad } from '../load/models/model-def.js';
import type { ReplayRun } from '../load/request-plan.js';
import type { CompareSettings, Comparison } from '../compare/types.js';
import type { HarnessReport } from '../harness/harness-report.js';
import type { ThresholdResult } from '../metrics/thresholds.js';
import type { TimelineBucket } from '../metrics/timeline.js';
import type { RunSession, StartAtRecord, SweepReport } from './run-parts.js';
import type { VariantSummary } from '../metrics/variant-stats.js';
import type { ConversationsReport } from '../metrics/conversation-stats.js';
import type { Mode } from '../stackai/types.js';

/** What a checkpoint's report.json covers: the first `results` lines (`bytes` bytes) of results.jsonl. */
export interface CheckpointCover {
  /** When it was written (ISO time). */
  writtenAt: string;
  /** The latest end of a request among the lines it covers (ISO time; the run's start when it covers none). */
  until: string;
  /** Lines of results.jsonl it covers (warm-up and skipped lines included), from the first. */
  results: number;
  /** Bytes of results.jsonl those lines take. */
  bytes: number;
  /** Time the checkpoint took to read the new lines and write its files, ms. */
  tookMs: number;
}

export interface VariantReport extends VariantSummary {
  name: string;
  params: { version: number | null; runDraft: boolean };
}

export interface Report {
  schemaVersion: 1;
  suite: string;
  suiteFile: string;
  /** sha256 of the suite's settings (token, report folder and shard left out) and the dataset's bytes (see runner/run-manifest.ts). */
  suiteHash?: string;
  /** `--shard I/N` runs: which part of the fleet this report covers (null: the whole run). */
  shard?: { index: number; count: number } | null;
  /** `flowbench merge` output: the shard folders it combined. */
  mergedShards?: { index: number; count: number; dir: string }[];
  /** `--start-at`: the moment asked for and the one the load's clock started (a resumed run: its last session's). */
  startAt?: StartAtRecord;
  /** `flowbench merge` output: the latest minus the earliest of the shards' load clock starts, ms. */
  startSkewMs?: number;
  startedAt: string;
  finishedAt: string;
  /** Time the load ran, ms: from the clock's start to the load's end, summed over the sessions. */
  durationMs: number;
  /** True when the run was cut short (Ctrl-C or a fatal error); the numbers cover what finished. */
  partial: boolean;
  /** Why `partial` is true, where a checkpoint wrote the report: the run was still going (docs/long-runs.md). */
  partialReason?: 'checkpoint';
  /** A checkpoint's report: what of results.jsonl it covers; the final report has none. */
  checkpoint?: CheckpointCover;
  /** The run stopped sending early: a failure meant every further request would fail alike (a wrong key, say). */
  stoppedEarly?: { kind: string; status: number | null; message: string; hint: string } | null;
  /** True when the run was continued with --resume; `sessions` lists each part (absent in older reports). */
  resumed?: boolean;
  /** Each session of the run on its one clock; durationMs and rps are over the sum of their active spans. */
  sessions?: RunSession[];
  target: { baseUrl: string; orgId: string; flowId: string; mode: Mode };
  /** A conversation dataset: per variant, conversations completed and failed, and each turn index's timings (docs/conversations.md). */
  conversations?: ConversationsReport;
  /** The load as the suite set it (flat: other models' keys null), then what the run did with it. */
  load: Omit<FlatLoad, 'model'> & {
    model: LoadModel;
    /** Seed of the Poisson arrival draws (load.seed), so a run can be repeated (absent in older reports). */
    seed?: number;
    threads: number;
    /** Measured requests started, and warm-up requests (in results.jsonl with warmup: true, in no statistic). */
    started: number;
    warmupRequests: number;
    /** Open loop: sends that waited for a free in-flight slot, and the largest scheduler lateness (ms). */
    delayedSends: number;
    maxSendLagMs: number;
    /** Requests still in flight when the Ctrl-C grace period ended: not in results or statistics. */
    abandoned: number;
  };
  /**
   * The run's timeline, per variant: one bucket per second (wider past 1,800 seconds) of the measured
   * requests, seconds since the run's clock anchor; ordered by time, then variant. Reporters draw it from here.
   */
  timeline: TimelineBucket[];
  /** Sweep runs only: per-step figures and the sustainable rate. */
  sweep: SweepReport | null;
  /** Replay runs only: which part of the trace was sent, and arrivals per second as traced and as sent (docs/replay.md). */
  replay?: ReplayRun;
  variants: VariantReport[];
  thresholds: ThresholdResult[];
  /** Each variant against the baseline variant (and against a saved run with --baseline): see compare/types.ts. */
  comparisons: Comparison[];
  /** What the suite asked to compare and gate (kept so `flowbench compare` reuses the gates); absent = nothing. */
  compare?: CompareSettings | null;
  /** How flowbench's own threads fared while the run's clock ran (absent in older reports). */
  harness?: HarnessReport | null;
  /** `flowbench regrade` output: the run whose saved outputs were graded again (absent in a run's own report). */
  regradeOf?: RegradeOf;
  verdict: 'pass' | 'fail';
}

/** The run a regrade graded again: no flow was called, the outputs and timings are that run's. */
export interface RegradeOf {
  /** The run's report folder (absolute). */
  dir: string;
  /** The run's suiteHash: its suite and dataset as the run used them. */
  suiteHash: string;
  /** When the regrade was made (ISO time). */
  regradedAt: string;
}
