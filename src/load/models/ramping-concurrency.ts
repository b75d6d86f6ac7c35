// Ramping concurrency (k6's ramping-vus): the number in flight follows the stages; when it drops,
// running requests finish first. Each request is handed over at its time (the main thread keeps the count).
import { nowMs } from '../../clock/clock.js';
import type { LoadBase } from '../../suite/types.js';
import { runRampingConcurrency } from '../ramping-concurrency.js';
import type { LoadModelDef } from './model-def.js';
import { firstLevel, flatStages, mapStages, STAGES_CLASH, STAGES_FIELD, stageLimits, stagesKind, stagesOf, timesShards, type RampStages } from './stages.js';

export interface RampingConcurrencyLoad extends LoadBase {
  kind: 'ramping-concurrency';
  /** Requests in flight at each stage's start and end. */
  stages: RampStages;
}

export const rampingConcurrency: LoadModelDef<RampingConcurrencyLoad> = {
  kind: 'ramping-concurrency',
  key: 'stages',
  fields: { stages: STAGES_FIELD },
  openLoop: false,
  endsOnItsOwn: true,
  clashes: STAGES_CLASH,
  selects: (raw) => stagesKind(raw) === 'concurrency',
  parse: (raw, ctx) => ({ kind: 'ramping-concurrency', stages: stagesOf(raw, ctx) }),
  // The threads are sized for the peak.
  defaultConcurrency: (own) => Math.max(...own.stages.flatMap((s) => [s.from, s.to])),
  warmupLevel: (s) => ({ concurrency: firstLevel(s.stages) }),
  planned: (s, c) => ({ requests: c.byCount(c.passes), ms: c.cap(s.stages.reduce((a, x) => a + x.durationMs, 0)) }),
  share: (s, d) => ({ ...s, stages: mapStages(s.stages, (x) => ({ ...x, from: d.slots(x.from), to: d.slots(x.to) })) }),
  flat: (s) => ({ stages: flatStages(s.stages, 'concurrency') }),
  sumShards: (loads, count) => ({ stages: timesShards(loads[0]?.stages ?? null, count) }),
  describe: (l) => `${l.stages?.length ?? 0} stage(s)`,
  limits: (s) => stageLimits(s.stages, 'concurrency'),
  async drive(s, ctx) {
    ctx.absorb(
      await runRampingConcurrency(ctx.items(), (p, info) => ctx.send(p, info), {
        stages: s.stages,
        startAt: nowMs(),
        durationMs: s.durationMs,
        stopped: () => ctx.stopped(),
      }),
    );
  },
};
