// `load.stages`, shared by the two ramping models: one key, told apart by what the first stage ramps
// (rate or concurrency). Parsing refuses mixed kinds and half-written stages at their line.
import type { LoadContext } from '../../suite/load-context.js';
import type { FieldSchema, SchemaType } from '../../suite/suite-schema.js';
import type { LoadStage } from '../../suite/types.js';
import type { RawLoad } from './model-def.js';

/** One ramp: linear from `from` to `to` (requests/s or requests in flight) over `durationMs`. */
export interface RampStage {
  from: number;
  to: number;
  durationMs: number;
}

/** At least one stage (the schema's minItems), so a model reads its first without a check. */
export type RampStages = [RampStage, ...RampStage[]];

const LOAD_STAGE: SchemaType = {
  kind: 'object',
  fields: {
    rate: { type: { kind: 'number', min: 0 }, doc: 'Arrival rate at the stage start, requests/s.' },
    concurrency: { type: { kind: 'integer', min: 0 }, doc: 'Requests in flight at the stage start.' },
    to: { type: { kind: 'number', min: 0 }, doc: 'Value at the stage end (default: no change).' },
    duration: { type: { kind: 'duration' }, required: true, doc: 'Stage length.' },
  },
};

/** One object for both ramping models: the registry merges a key two models share only when it is the same. */
export const STAGES_FIELD: FieldSchema = {
  type: { kind: 'list', items: LOAD_STAGE, minItems: 1 },
  doc: 'Ramps: [{rate, to, duration}] or [{concurrency, to, duration}].',
};

type Kind = LoadStage['kind'];

const list = (raw: RawLoad): Record<string, unknown>[] | null =>
  raw.stages === undefined || raw.stages === null ? null : (raw.stages as Record<string, unknown>[]);
const given = (v: unknown) => v !== undefined && v !== null;

/** What the section's stages ramp (a first stage with neither key counts as concurrency: it is refused anyway), or null without stages. */
export function stagesKind(raw: RawLoad): Kind | null {
  const first = list(raw)?.[0];
  if (first === undefined) return null;
  return given(first.rate) ? 'rate' : 'concurrency';
}

export const STAGES_CLASH = {
  rate: {
    message: 'load.stages and load.rate both set the rate',
    hint: 'remove load.rate and start the first stage at that rate: { rate: 5, to: 20, duration: 60s }',
  },
};

export function stagesOf(raw: RawLoad, ctx: LoadContext): RampStages {
  let kind: Kind | null = null;
  const stages = (list(raw) ?? []).map((s, i): RampStage => {
    const here = ctx.where.value(['load', 'stages', i]);
    const hasRate = given(s.rate);
    const hasConc = given(s.concurrency);
    const k: Kind = hasRate ? 'rate' : 'concurrency';
    const durationMs = s.duration as number;
    if (hasRate === hasConc) {
      ctx.errors.push(
        ctx.src.error(
          here,
          `load.stages[${i}] needs exactly one of rate or concurrency`,
          'write { rate: 1, to: 20, duration: 60s } (arrival rate) or { concurrency: 1, to: 20, duration: 60s } (in flight)',
        ),
      );
      return { from: 0, to: 0, durationMs };
    }
    if (kind !== null && k !== kind) {
      ctx.errors.push(ctx.src.error(here, `load.stages[${i}] ramps ${k}, but the first stage ramps ${kind}`, 'use one kind of stage in a suite'));
    }
    kind = k;
    const from = (hasRate ? s.rate : s.concurrency) as number;
    const to = (s.to as number | undefined) ?? from;
    if (k === 'concurrency' && !Number.isInteger(to)) {
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['load', 'stages', i, 'to']),
          `load.stages[${i}].to must be a whole number of requests in flight, got ${to}`,
          'use an integer',
        ),
      );
    }
    return { from, to, durationMs };
  });
  const [first = { from: 0, to: 0, durationMs: 0 }, ...rest] = stages;
  return [first, ...rest];
}

/** Each stage through `f`, still at least one. */
export const mapStages = (stages: RampStages, f: (s: RampStage) => RampStage): RampStages => [f(stages[0]), ...stages.slice(1).map(f)];

/** The first stage's level, never zero: where a warm-up runs. */
export const firstLevel = (stages: RampStages): number => Math.max(1, stages[0].from || stages[0].to);

/** report.json's form of the stages (each names its kind). */
export const flatStages = (stages: RampStages, kind: Kind): LoadStage[] => stages.map((s) => ({ kind, from: s.from, to: s.to, durationMs: s.durationMs }));

/** The fleet's stages from the first shard's: each shard ran 1/N of them. */
export const timesShards = (stages: LoadStage[] | null, count: number): LoadStage[] | null =>
  stages?.map((st) => ({ ...st, from: st.from * count, to: st.to * count })) ?? null;

/** The per-process caps judge each stage's peak, at the key that holds it. */
export function stageLimits(stages: RampStages, kind: Kind): { path: (string | number)[]; value: number; kind: 'rate' | 'in-flight' }[] {
  return stages.map((s, i) => ({
    path: ['load', 'stages', i, s.to > s.from ? 'to' : kind],
    value: Math.max(s.from, s.to),
    kind: kind === 'rate' ? 'rate' : 'in-flight',
  }));
}
