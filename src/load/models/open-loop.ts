// Open loop at a constant rate (k6's constant-arrival-rate, wrk2): requests start at scheduled times
// whatever the flow does; `concurrency` only caps how many are in flight.
import type { FieldSchema } from '../../suite/suite-schema.js';
import type { LoadBase } from '../../suite/types.js';
import type { LoadModelDef } from './model-def.js';

export interface OpenLoopLoad extends LoadBase {
  kind: 'open-loop';
  /** Requests per second. */
  rate: number;
}

/** In-flight cap of the models that send at a rate when `concurrency` is not given: high, so it rarely binds. */
export const OPEN_LOOP_DEFAULT_CAP = 1000;

const RATE: FieldSchema = { type: { kind: 'number', min: 0, exclusiveMin: true }, doc: 'Open loop: requests per second.' };

export const openLoop: LoadModelDef<OpenLoopLoad> = {
  kind: 'open-loop',
  key: 'rate',
  fields: { rate: RATE },
  openLoop: true,
  endsOnItsOwn: false,
  selects: (raw) => raw.rate !== undefined && raw.rate !== null,
  parse: (raw) => ({ kind: 'open-loop', rate: raw.rate as number }),
  defaultConcurrency: () => OPEN_LOOP_DEFAULT_CAP,
  warmupLevel: (s) => ({ rate: s.rate }),
  planned(s, c) {
    const n = c.byCount(c.passes);
    return { requests: n, ms: c.cap(n === null ? null : (n / s.rate) * 1000) };
  },
  share: (s, d) => ({ ...s, rate: d.rate(s.rate) }),
  flat: (s) => ({ rate: s.rate }),
  sumShards: (loads) => ({ rate: loads.reduce((a, l) => a + (l.rate ?? 0), 0) }),
  describe: (l) => `${l.rate} req/s ${l.arrival}, cap ${l.concurrency} in flight`,
  limits: (s) => [{ path: ['load', 'rate'], value: s.rate, kind: 'rate' }],
  async drive(s, ctx) {
    // One open-ended stage unless a duration ends it; `requests` cuts it too.
    const stages = [{ rate: s.rate, to: s.rate, durationMs: s.durationMs ?? Infinity }];
    ctx.absorb(await ctx.openLoop(ctx.items(), { stages, maxRequests: s.requests, cutMs: s.durationMs, step: null }));
  },
};
