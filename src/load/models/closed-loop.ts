// Closed loop (k6's constant-vus): `concurrency` requests in flight, the next one starting when one ends;
// `iterations` passes over the rows, or rows cycled until `duration` or `requests`. The default model.
import type { LoadBase } from '../../suite/types.js';
import type { LoadModelDef } from './model-def.js';

export interface ClosedLoopLoad extends LoadBase {
  kind: 'closed-loop';
}

export const CLOSED_LOOP_DEFAULT_CONCURRENCY = 4;

export const closedLoop: LoadModelDef<ClosedLoopLoad> = {
  kind: 'closed-loop',
  key: null,
  fields: {},
  openLoop: false,
  endsOnItsOwn: false,
  // The default: what a section that names no other model's key runs.
  selects: () => true,
  parse: () => ({ kind: 'closed-loop' }),
  defaultConcurrency: () => CLOSED_LOOP_DEFAULT_CONCURRENCY,
  warmupLevel: (s) => ({ concurrency: s.concurrency }),
  planned: (_s, c) => ({ requests: c.byCount(c.passes), ms: c.cap(null) }),
  share: (s) => s,
  flat: () => ({}),
  sumShards: () => ({}),
  describe: (l) => `${l.concurrency} in flight`,
  limits: () => [],
  async drive(s, ctx) {
    ctx.absorb(await ctx.closedLoop(ctx.items(), s.concurrency, s.durationMs));
  },
};
