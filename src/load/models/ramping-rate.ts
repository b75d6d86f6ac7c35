// Ramping arrival rate (k6's ramping-arrival-rate, Artillery's phases): an open loop whose rate moves
// linearly within each stage; `concurrency` caps what is in flight.
import type { LoadBase } from '../../suite/types.js';
import { profileLengthMs, stageArea, type RateStage } from '../rate-profile.js';
import type { LoadModelDef } from './model-def.js';
import { OPEN_LOOP_DEFAULT_CAP } from './open-loop.js';
import { firstLevel, flatStages, mapStages, STAGES_CLASH, STAGES_FIELD, stageLimits, stagesKind, stagesOf, timesShards, type RampStages } from './stages.js';

export interface RampingRateLoad extends LoadBase {
  kind: 'ramping-rate';
  /** Requests/s at each stage's start and end. */
  stages: RampStages;
}

const rateStages = (s: RampingRateLoad): RateStage[] => s.stages.map((x) => ({ rate: x.from, to: x.to, durationMs: x.durationMs }));

export const rampingRate: LoadModelDef<RampingRateLoad> = {
  kind: 'ramping-rate',
  key: 'stages',
  fields: { stages: STAGES_FIELD },
  openLoop: true,
  endsOnItsOwn: true,
  clashes: STAGES_CLASH,
  selects: (raw) => stagesKind(raw) === 'rate',
  parse: (raw, ctx) => ({ kind: 'ramping-rate', stages: stagesOf(raw, ctx) }),
  defaultConcurrency: () => OPEN_LOOP_DEFAULT_CAP,
  warmupLevel: (s) => ({ rate: firstLevel(s.stages) }),
  planned(s, c) {
    // The k-th send is where the rate's integral reaches k, so the area under the ramp is the count.
    const stages = rateStages(s);
    return { requests: c.byCount(Math.round(stages.reduce((a, x) => a + stageArea(x), 0))), ms: c.cap(profileLengthMs(stages)) };
  },
  share: (s, d) => ({ ...s, stages: mapStages(s.stages, (x) => ({ ...x, from: d.rate(x.from), to: d.rate(x.to) })) }),
  flat: (s) => ({ stages: flatStages(s.stages, 'rate') }),
  sumShards: (loads, count) => ({ stages: timesShards(loads[0]?.stages ?? null, count) }),
  describe: (l) => `${l.stages?.length ?? 0} stage(s)`,
  limits: (s) => stageLimits(s.stages, 'rate'),
  async drive(s, ctx) {
    ctx.absorb(await ctx.openLoop(ctx.items(), { stages: rateStages(s), maxRequests: s.requests, cutMs: s.durationMs, step: null }));
  },
};
