// The load models, one module each (./models/), like k6's executors. Every stage that depends on the
// model (loader, schema, planned work, driver, shards, merge, summary line) asks this list: adding a
// model is its file and one line in BUILT_IN (or, in-process, registerLoadModel).
import type { LoadContext } from '../suite/load-context.js';
import type { FieldSchema } from '../suite/suite-schema.js';
import type { LoadBase } from '../suite/types.js';
import type { LoadModel } from './model.js';
import { closedLoop } from './models/closed-loop.js';
import type { AnyLoadSpec, LoadModelDef, Own, RawLoad } from './models/model-def.js';
import { openLoop } from './models/open-loop.js';
import { rampingConcurrency } from './models/ramping-concurrency.js';
import { rampingRate } from './models/ramping-rate.js';
import { replay } from './models/replay.js';
import { sweep } from './models/sweep.js';

/** In the order the reference lists their keys; a later model is more specific (see pickLoadModel). */
const BUILT_IN = [closedLoop, openLoop, rampingRate, rampingConcurrency, sweep, replay] as const;

type SpecOf<D> = D extends LoadModelDef<infer S> ? S : never;

/** The suite's normalised `load:` section: one member per built-in model, told apart by `kind`. */
export type LoadSpec = SpecOf<(typeof BUILT_IN)[number]>;

/** Compile-time only: the built-in kinds are exactly report.json's `load.model` names. */
export const BUILT_IN_KINDS_MATCH: [LoadSpec['kind']] extends [LoadModel] ? ([LoadModel] extends [LoadSpec['kind']] ? true : never) : never = true;

const models: LoadModelDef<AnyLoadSpec>[] = [...BUILT_IN];

export function loadModels(): readonly LoadModelDef<AnyLoadSpec>[] {
  return models;
}

/**
 * Adds a model after the built-in ones (so it is asked first); returns a function that removes it again.
 * Its keys are in the schema of every suite loaded afterwards. report.json's `load.model` names only
 * the built-in models, so a registered model is for in-process callers of driveLoad (tests, experiments).
 */
export function registerLoadModel<S extends AnyLoadSpec>(def: LoadModelDef<S>): () => void {
  if (models.some((m) => m.kind === def.kind)) throw new Error(`a load model named ${def.kind} is already registered`);
  const added = def as unknown as LoadModelDef<AnyLoadSpec>; // stored beside other specs; only ever called with its own kind (modelOf)
  models.push(added);
  return () => {
    const i = models.indexOf(added);
    if (i >= BUILT_IN.length) models.splice(i, 1);
  };
}

/** The model of a spec (by its kind). */
export function modelOf<S extends AnyLoadSpec>(spec: S): LoadModelDef<S> {
  const m = models.find((x) => x.kind === spec.kind);
  if (!m) throw new Error(`no load model named ${spec.kind}`);
  return m as unknown as LoadModelDef<S>; // found by S's own kind
}

/** The model of a report's `load.model`, or undefined for a name this flowbench does not know. */
export const modelNamed = (kind: string): LoadModelDef<AnyLoadSpec> | undefined => models.find((x) => x.kind === kind);

/** The keys every model shares (a Record, so a key added to LoadBase must be added here). */
const SHARED: Record<keyof LoadBase, true> = {
  concurrency: true,
  iterations: true,
  durationMs: true,
  arrival: true,
  requests: true,
  warmup: true,
  graceMs: true,
  stallMs: true,
  seed: true,
  timeoutMs: true,
  retries: true,
  connectTimeoutMs: true,
  firstByteTimeoutMs: true,
  idleTimeoutMs: true,
  retryPartial: true,
};

/** A spec's shared settings without its model's own: what a flag that changes the model keeps. */
export function sharedSettings(spec: AnyLoadSpec): LoadBase {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => k in SHARED)) as unknown as LoadBase; // every LoadBase key of a spec is kept
}

/** Every model's own keys of the `load:` section, in model order; a key two models share must be one object. */
export function modelFields(): Record<string, FieldSchema> {
  const out: Record<string, FieldSchema> = {};
  for (const m of models) {
    for (const [key, field] of Object.entries(m.fields)) {
      if (out[key] !== undefined && out[key] !== field) throw new Error(`load.${key} is defined by two load models differently`);
      out[key] = field;
    }
  }
  return out;
}

/**
 * The model the walked section describes: the most specific one that it selects (the last in the list).
 * Each other model it names too is a mistake, reported at the more specific key; every model it names
 * is parsed, so each one's own mistakes are reported in the same pass.
 */
export function pickLoadModel(raw: RawLoad, ctx: LoadContext): { def: LoadModelDef<AnyLoadSpec>; own: Own<AnyLoadSpec> } {
  const chosen = [...models].reverse().filter((m) => m.selects(raw));
  for (const [i, a] of chosen.entries()) {
    for (const b of chosen.slice(i + 1).reverse()) {
      if (a.key === null || b.key === null || a.key === b.key) continue;
      const c = a.clashes?.[b.key] ?? { message: `load.${a.key} and load.${b.key} cannot be combined`, hint: 'keep one of them' };
      ctx.errors.push(ctx.src.error(ctx.where.value(['load', a.key]), c.message, c.hint));
    }
  }
  const owns = chosen.map((m) => m.parse(raw, ctx));
  // closed-loop selects every section, so there is always one.
  return { def: chosen[0]!, own: owns[0]! };
}
