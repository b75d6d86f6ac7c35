// What one load model is (k6's executor file): its suite keys, parse and defaults, planned work, shard
// division, report line, warm-up level and driver. The registry (../registry.ts) lists them; every
// stage that used to switch on the model asks it instead.
import type { PlannedRequest, ReplayRun, StepRun } from '../request-plan.js';
import type { LoadContext } from '../../suite/load-context.js';
import type { FieldSchema } from '../../suite/suite-schema.js';
import type { LoadBase, LoadStage, SweepSpec } from '../../suite/types.js';
import type { LoadResult, OpenLoopResult, SendInfo } from '../open-loop.js';
import type { RateStage } from '../rate-profile.js';

/** A load spec of some model: the shared settings and a `kind`. The built-in union is registry.ts's LoadSpec. */
export type AnyLoadSpec = LoadBase & { kind: string };

/** A model's own settings (and its kind): what its `parse` builds beside the shared ones. */
export type Own<S extends AnyLoadSpec> = Omit<S, keyof LoadBase>;

/** The walked `load:` section: snake_case keys, types checked and defaults filled by the schema walk. */
export type RawLoad = Record<string, unknown>;

/** A load as report.json's `load` section gives it (an output contract): flat, other models' keys null. */
export interface FlatLoad {
  model: string;
  /** Closed loop: in flight; open loop: the in-flight cap. */
  concurrency: number;
  iterations: number | null;
  rate: number | null;
  arrival: 'constant' | 'poisson';
  requests: number | null;
  durationMs: number | null;
  stages: LoadStage[] | null;
  sweep: SweepSpec | null;
}

/** The flat keys that belong to one model or another; the rest are LoadBase's. */
export type ModelFields = Pick<FlatLoad, 'rate' | 'stages' | 'sweep'>;

export type WarmupLevel = { rate: number } | { concurrency: number };

/** How much measured work a run plans (for progress): a request count, a length in ms, or both. */
export interface PlannedWork {
  requests: number | null;
  ms: number | null;
}

/** What planned() is given: the passes over the rows (null: cycled), and the shared request and time cuts. */
export interface PlanCounts {
  passes: number | null;
  /** `n` cut at `load.requests`. */
  byCount(n: number | null): number | null;
  /** `ms` cut at `load.durationMs`. */
  cap(ms: number | null): number | null;
}

/** A shard's part of a value (shard/partition.ts): a rate, an in-flight count (0 stays 0), a request count. */
export interface Divide {
  rate(v: number): number;
  slots(v: number): number;
  count(v: number): number;
}

/** A value the per-process caps judge (suite/load-caps.ts), where the suite wrote it. */
export interface LimitValue {
  path: (string | number)[];
  value: number;
  kind: 'in-flight' | 'rate';
}

export interface OpenLoopRun {
  stages: RateStage[];
  /** Stop after this many sends (null: when the stages end). */
  maxRequests: number | null;
  /** Drop sends scheduled at or after this many ms (null: none). */
  cutMs: number | null;
  /** Sweep step index, or null outside a sweep. */
  step: number | null;
  /** See OpenLoopOptions.windowMs. */
  windowMs?: number;
}

/** What a driver is handed: the plan, the two loops, the measured phase's send, and where results go. */
export interface DriveContext {
  /** The measured requests: `iterations` passes over this shard's rows not yet done, cut at `requests`. */
  items(): AsyncIterator<PlannedRequest>;
  /** The same rows without the request cut. */
  rows(): AsyncIterator<PlannedRequest>;
  /** Sends at the stages' rates, `concurrency` being the in-flight cap. */
  openLoop(items: AsyncIterator<PlannedRequest>, run: OpenLoopRun): Promise<OpenLoopResult>;
  /** Keeps `concurrency` in flight until the items or `durationMs` end. */
  closedLoop(items: AsyncIterator<PlannedRequest>, concurrency: number, durationMs: number | null): Promise<LoadResult>;
  /** The measured phase's send, for a driver with a loop of its own. */
  send(p: PlannedRequest, info: SendInfo): Promise<boolean | void>;
  stopped(): boolean;
  /** Counts a loop's result into the outcome. */
  absorb(r: LoadResult): void;
  /** Records a finished sweep step. */
  step(run: StepRun): void;
  /** Records what a replay sent of its trace (report.json `replay`). */
  replay(run: ReplayRun): void;
}

/**
 * One load model. Methods, not function-valued fields: the registry holds models of different specs in
 * one list and calls each only with a spec of its own kind (it looks the model up by `kind`).
 */
export interface LoadModelDef<S extends AnyLoadSpec> {
  kind: S['kind'];
  /** The `load:` key that selects the model ('rate', 'stages', 'sweep'); null for the default model. */
  key: string | null;
  /** Its own keys of the `load:` section, merged into the suite schema (a key two models share is one object). */
  fields: Readonly<Record<string, FieldSchema>>;
  /** True when `concurrency` is an in-flight cap, not the load itself (the models that send at a rate). */
  openLoop: boolean;
  /** True when the model ends on its own (stages, steps): rows are cycled unless `iterations` is given. */
  endsOnItsOwn: boolean;
  /** Messages for a section that also names another model's key, by that key (default: "cannot be combined"). */
  clashes?: Readonly<Record<string, { message: string; hint: string }>>;
  /** Whether the walked section picks this model (the registry asks the most specific model first). */
  selects(raw: RawLoad): boolean;
  /** Its own settings from the walked section; each mistake is pushed to ctx.errors with its line. */
  parse(raw: RawLoad, ctx: LoadContext): Own<S>;
  /** In flight (or the cap) when `concurrency` is not given. */
  defaultConcurrency(own: Own<S>): number;
  /** The level a warm-up runs at: the model's first rate or first concurrency, never zero. */
  warmupLevel(spec: S): WarmupLevel;
  planned(spec: S, counts: PlanCounts): PlannedWork;
  /** A shard's part of its own settings (the shared ones are divided by shard/partition.ts). */
  share(spec: S, d: Divide): S;
  /** Its own settings as report.json's flat `load` gives them (keys left out are null). */
  flat(spec: S): Partial<ModelFields>;
  /** `flowbench merge`: the fleet's own settings from the shards' report loads (in shard order, all of this model). */
  sumShards(loads: FlatLoad[], count: number): Partial<ModelFields>;
  /** The text summary's `load:` line after the model's name, from a report (possibly an older one). */
  describe(l: FlatLoad): string;
  /** The values the per-process caps judge. */
  limits(spec: S): LimitValue[];
  /** Runs the measured phase (the warm-up, if any, has run). */
  drive(spec: S, ctx: DriveContext): Promise<void>;
}
