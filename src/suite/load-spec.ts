// Normalises the suite's `load:` section: the registry picks the model (and refuses combinations that
// mean nothing, at the offending line); the shared settings and the defaults that depend on the model are here.
import { pickLoadModel, type LoadSpec } from '../load/registry.js';
import { DURATION_FORMS, parseDuration } from '../text/duration.js';
import type { LoadContext } from './load-context.js';
import type { WalkedLoad } from './suite-schema.js';
import type { LoadBase } from './types.js';

export { OPEN_LOOP_DEFAULT_CAP } from '../load/models/open-loop.js';
export { CLOSED_LOOP_DEFAULT_CONCURRENCY } from '../load/models/closed-loop.js';

/** Each mistake is added to ctx.errors and loading goes on (the spec built is never run). */
export function loadSpecOf(load: WalkedLoad, ctx: LoadContext): LoadSpec {
  const { def, own } = pickLoadModel(load, ctx);
  const counted = load.duration !== undefined || load.requests !== undefined || def.endsOnItsOwn;
  const base: LoadBase = {
    concurrency: load.concurrency ?? def.defaultConcurrency(own),
    iterations: load.iterations ?? (counted ? null : 1),
    durationMs: load.duration ?? null,
    arrival: load.arrival,
    requests: load.requests ?? null,
    warmup: warmupOf(load.warmup, ctx),
    graceMs: load.grace,
    stallMs: load.stall_threshold,
    seed: load.seed,
    timeoutMs: load.timeout,
    retries: load.retries,
  };
  // The registry holds models of every spec type, so `own` is only known to be some model's: it is the
  // picked model's own (its kind included), which for the built-in models is a member of the union.
  return { ...own, ...base } as LoadSpec;
}

function warmupOf(w: WalkedLoad['warmup'], ctx: LoadContext): LoadBase['warmup'] {
  if (w === undefined) return null;
  if (typeof w === 'number') return { requests: w };
  const ms = parseDuration(w);
  if (ms === null || ms <= 0) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['load', 'warmup']),
        `load.warmup must be a request count or ${DURATION_FORMS}, got ${JSON.stringify(w)}`,
        'write e.g. warmup: 20 (requests) or warmup: 10s',
      ),
    );
    return null;
  }
  return { durationMs: ms };
}
