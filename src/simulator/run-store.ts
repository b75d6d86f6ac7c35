// Keeps the latest runs in memory (bounded, oldest dropped first) so metadata and feedback can find them.
import type { Mode } from '../stackai/types.js';
import type { ExtraUsage } from './flows.js';
import { ConversationMemory } from './conversation-memory.js';

export type RunState = 'PENDING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'PAUSED';

export interface KeptRun {
  runId: string;
  orgId: string;
  flowId: string;
  mode: Mode;
  version: number;
  draft: boolean;
  inputs: Record<string, unknown>;
  /** What was sent so far (the whole answer once COMPLETED). */
  outputs: Record<string, string>;
  state: RunState;
  error: string | null;
  /** Whether the simulator chose the correct answer (debug only, not in metadata). */
  correct: boolean;
  /** Model latency of the run, ms. */
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  modelId: string;
  /** The run's other LLM calls (flows.ts ExtraUsage), reported after the answer's in llm_usage. */
  extraUsage?: ExtraUsage[];
  createdAt: string;
  /**
   * When the simulator took the request up (its handler started), epoch ms to the microsecond: every
   * frame time counts from here. Debug only (GET /_sim/runs/:id): lets a benchmark split a client's
   * time to first byte into the simulator's take-up lag and the rest.
   */
  takenUpAt: number;
  /**
   * When the first content frame was handed to the socket, epoch ms to the microsecond (stream mode;
   * absent until then). Debug only: with takenUpAt it splits a client's TTFT into the simulator's
   * take-up lag, its own lateness against the plan, and the client's delay in seeing the frame.
   */
  firstContentAt?: number;
  /** Every feedback posted for the run, in order. */
  feedback: string[];
}

export class RunStore {
  /** Flows with `memory:` remember each user_id's earlier inputs here. */
  readonly memory = new ConversationMemory();
  private readonly runs = new Map<string, KeptRun>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly limit = 200_000) {}

  add(run: KeptRun): void {
    this.runs.set(run.runId, run);
    // Maps iterate in insertion order: the first key is the oldest run.
    while (this.runs.size > this.limit) this.runs.delete(this.runs.keys().next().value!);
  }

  get(runId: string): KeptRun | undefined {
    return this.runs.get(runId);
  }

  get size(): number {
    return this.runs.size;
  }

  /** 0 for the first call with a key, then 1, 2, ...: lets repeated identical requests differ, reproducibly. */
  nextCounter(key: string): number {
    const n = this.counters.get(key) ?? 0;
    this.counters.delete(key);
    this.counters.set(key, n + 1);
    if (this.counters.size > this.limit) this.counters.delete(this.counters.keys().next().value!);
    return n;
  }
}
