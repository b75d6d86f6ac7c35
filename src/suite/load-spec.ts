// Normalises the suite's `load:` section: picks defaults that depend on the load model and refuses
// combinations that mean nothing (a rate and a sweep, mixed stage kinds), at the offending line.
import { DURATION_FORMS, parseDuration } from './duration.js';
import type { LoadContext } from './load-context.js';
import type { LoadSpec, LoadStage } from './types.js';

type Obj = Record<string, unknown>;

/** In-flight cap of the open-loop models when `concurrency` is not given: high, so it rarely binds. */
export const OPEN_LOOP_DEFAULT_CAP = 1000;
export const CLOSED_LOOP_DEFAULT_CONCURRENCY = 4;

export function loadSpecOf(load: Obj, ctx: LoadContext): LoadSpec {
  const at = (...p: (string | number)[]) => ctx.where.value(['load', ...p]);
  const stages = load.stages === undefined || load.stages === null ? null : stagesOf(load.stages as Obj[], ctx);
  const sweep = load.sweep ? (load.sweep as Obj) : null;
  const rate = (load.rate as number | undefined) ?? null;
  // Each mistake is added to ctx.errors and loading goes on (the spec built is never run).
  if (sweep && rate !== null) ctx.errors.push(ctx.src.error(at('sweep'), 'load.sweep and load.rate both set the rate', 'remove load.rate: the sweep runs each of its rates in turn'));
  if (sweep && stages) ctx.errors.push(ctx.src.error(at('sweep'), 'load.sweep and load.stages cannot be combined', 'keep one of them'));
  // A sustainable rate is one of the step rates, so a min_rate above the top one could never pass.
  if (sweep && typeof sweep.min_rate === 'number' && sweep.min_rate > Math.max(sweep.from as number, sweep.to as number)) {
    ctx.errors.push(ctx.src.error(at('sweep', 'min_rate'), `load.sweep.min_rate ${sweep.min_rate} is above every step rate (the top one is ${Math.max(sweep.from as number, sweep.to as number)} req/s)`, 'raise sweep.to to at least min_rate, or lower min_rate'));
  }
  if (stages && rate !== null) ctx.errors.push(ctx.src.error(at('stages'), 'load.stages and load.rate both set the rate', 'remove load.rate and start the first stage at that rate: { rate: 5, to: 20, duration: 60s }'));
  const openLoop = rate !== null || sweep !== null || stages?.[0]?.kind === 'rate';
  const counted = load.duration !== undefined || load.requests !== undefined || stages !== null || sweep !== null;
  const given = load.concurrency as number | undefined;
  const peakStage = stages?.[0]?.kind === 'concurrency' ? Math.max(...stages.flatMap((s) => [s.from, s.to])) : null;
  return {
    concurrency: given ?? peakStage ?? (openLoop ? OPEN_LOOP_DEFAULT_CAP : CLOSED_LOOP_DEFAULT_CONCURRENCY),
    iterations: (load.iterations as number | undefined) ?? (counted ? null : 1),
    durationMs: (load.duration as number | undefined) ?? null,
    rate,
    arrival: load.arrival as LoadSpec['arrival'],
    requests: (load.requests as number | undefined) ?? null,
    stages,
    sweep: sweep && {
      from: sweep.from as number, to: sweep.to as number, steps: sweep.steps as number, durationMs: sweep.duration as number,
      minRate: (sweep.min_rate as number | undefined) ?? null,
    },
    warmup: warmupOf(load.warmup, ctx),
    graceMs: load.grace as number,
    stallMs: load.stall_threshold as number,
    seed: load.seed as number,
    timeoutMs: load.timeout as number,
    retries: load.retries as number,
  };
}

function stagesOf(list: Obj[], ctx: LoadContext): LoadStage[] {
  let kind: LoadStage['kind'] | null = null;
  return list.map((s, i) => {
    const here = ctx.where.value(['load', 'stages', i]);
    const hasRate = s.rate !== undefined && s.rate !== null;
    const hasConc = s.concurrency !== undefined && s.concurrency !== null;
    const k: LoadStage['kind'] = hasRate ? 'rate' : 'concurrency';
    if (hasRate === hasConc) {
      ctx.errors.push(ctx.src.error(here, `load.stages[${i}] needs exactly one of rate or concurrency`, 'write { rate: 1, to: 20, duration: 60s } (arrival rate) or { concurrency: 1, to: 20, duration: 60s } (in flight)'));
      return { kind: k, from: 0, to: 0, durationMs: s.duration as number };
    }
    if (kind !== null && k !== kind) {
      ctx.errors.push(ctx.src.error(here, `load.stages[${i}] ramps ${k}, but the first stage ramps ${kind}`, 'use one kind of stage in a suite'));
    }
    kind = k;
    const from = (hasRate ? s.rate : s.concurrency) as number;
    const to = (s.to as number | undefined) ?? from;
    if (k === 'concurrency' && !Number.isInteger(to)) {
      ctx.errors.push(ctx.src.error(ctx.where.value(['load', 'stages', i, 'to']), `load.stages[${i}].to must be a whole number of requests in flight, got ${to}`, 'use an integer'));
    }
    return { kind: k, from, to, durationMs: s.duration as number };
  });
}

function warmupOf(w: unknown, ctx: LoadContext): LoadSpec['warmup'] {
  if (w === undefined || w === null) return null;
  if (typeof w === 'number') return { requests: w };
  const ms = parseDuration(w as string);
  if (ms === null || ms <= 0) {
    ctx.errors.push(ctx.src.error(ctx.where.value(['load', 'warmup']), `load.warmup must be a request count or ${DURATION_FORMS}, got ${JSON.stringify(w)}`, 'write e.g. warmup: 20 (requests) or warmup: 10s'));
    return null;
  }
  return { durationMs: ms };
}
