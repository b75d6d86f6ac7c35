// The flat form of a load: what report.json's `load` section gives (an output contract), and the shape
// LoadSpec had before the models were a union, which run-manifest.json files written then still hold.
import type { LoadBase, LoadStage, SweepSpec } from '../suite/types.js';
import type { AnyLoadSpec, FlatLoad } from './models/model-def.js';
import type { RampStages } from './models/stages.js';
import { modelOf, type LoadSpec } from './registry.js';

/** The settings in the old flat shape: the shared ones plus rate, stages and sweep (null when not the model's). */
export interface FlatSpec extends LoadBase {
  rate: number | null;
  stages: LoadStage[] | null;
  sweep: SweepSpec | null;
}

export function flatSpec(spec: AnyLoadSpec): FlatSpec {
  const { kind: _kind, ...rest } = spec;
  const own = modelOf(spec).flat(spec);
  // The model's own keys in their flat form (stages name their kind); the shared ones as they are.
  return { ...rest, rate: own.rate ?? null, stages: own.stages ?? null, sweep: own.sweep ?? null };
}

/** report.json's `load` settings (the counts beside them are the run's). */
export function flatLoad(spec: AnyLoadSpec): FlatLoad {
  const f = flatSpec(spec);
  return {
    model: spec.kind,
    concurrency: f.concurrency,
    iterations: f.iterations,
    rate: f.rate,
    arrival: f.arrival,
    requests: f.requests,
    durationMs: f.durationMs,
    stages: f.stages,
    sweep: f.sweep,
  };
}

/** A load as written before the union (no `kind`): the model follows from which fields are set, as it did then. */
export function fromFlatSpec(old: FlatSpec): LoadSpec {
  const { rate, stages, sweep, ...base } = old;
  const ramp = (list: LoadStage[]): RampStages => {
    const [first = { from: 0, to: 0, durationMs: 0 }, ...rest] = list.map((s) => ({ from: s.from, to: s.to, durationMs: s.durationMs }));
    return [first, ...rest];
  };
  if (sweep) return { ...base, kind: 'sweep', sweep };
  const first = stages?.[0];
  if (stages && first) return { ...base, kind: first.kind === 'rate' ? 'ramping-rate' : 'ramping-concurrency', stages: ramp(stages) };
  if (rate !== null) return { ...base, kind: 'open-loop', rate };
  return { ...base, kind: 'closed-loop' };
}
