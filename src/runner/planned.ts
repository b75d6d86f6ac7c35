// How much measured work a run plans (for progress): a request count, a length in ms, or both, per model.
import { loadModel } from '../load/model.js';
import { profileLengthMs, stageArea } from '../load/rate-profile.js';
import type { Suite } from '../suite/types.js';

export interface PlannedWork {
  requests: number | null;
  ms: number | null;
}

export function plannedWork(suite: Suite, rows: number): PlannedWork {
  const load = suite.load;
  const passes = load.iterations === null ? null : rows * suite.variants.length * load.iterations;
  const byCount = (n: number | null) => (load.requests === null ? n : n === null ? load.requests : Math.min(n, load.requests));
  const cap = (ms: number | null) => (load.durationMs === null ? ms : ms === null ? load.durationMs : Math.min(ms, load.durationMs));
  switch (loadModel(load)) {
    case 'closed-loop':
      return { requests: byCount(passes), ms: cap(null) };
    case 'open-loop': {
      const n = byCount(passes);
      return { requests: n, ms: cap(n === null ? null : (n / load.rate!) * 1000) };
    }
    case 'ramping-rate': {
      const stages = load.stages!.map((s) => ({ rate: s.from, to: s.to, durationMs: s.durationMs }));
      return { requests: byCount(Math.round(stages.reduce((a, s) => a + stageArea(s), 0))), ms: cap(profileLengthMs(stages)) };
    }
    case 'ramping-concurrency':
      return { requests: byCount(passes), ms: cap(load.stages!.reduce((a, s) => a + s.durationMs, 0)) };
    case 'sweep':
      return { requests: null, ms: load.sweep!.steps * load.sweep!.durationMs };
  }
}
