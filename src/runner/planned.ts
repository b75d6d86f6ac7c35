// How much measured work a run plans (for progress): a request count, a length in ms, or both. The model
// says its own (see its `planned`); the passes over the rows and the shared request and time cuts are here.
import type { PlannedWork } from '../load/models/model-def.js';
import { modelOf } from '../load/registry.js';
import type { Suite } from '../suite/types.js';

// `?? 1`: a Suite built by hand in JavaScript (the library API) may lack `repeat`.
export function plannedWork(suite: Suite, rows: number): PlannedWork {
  const load = suite.load;
  return modelOf(load).planned(load, {
    passes: load.iterations === null ? null : rows * suite.variants.length * (suite.repeat ?? 1) * load.iterations,
    byCount: (n) => (load.requests === null ? n : n === null ? load.requests : Math.min(n, load.requests)),
    cap: (ms) => (load.durationMs === null ? ms : ms === null ? load.durationMs : Math.min(ms, load.durationMs)),
  });
}
