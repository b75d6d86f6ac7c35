// Quality-aware goodput (after AIPerf's goodput, with the graders' verdict added): a request counts when it
// succeeded, met every latency objective the suite names, and (require_pass) passed its graders.
import type { ResultRecord } from '../record/result-record.js';
import { interTokenLatencies } from './timings.js';

/** `goodput:` objectives, ms; null = not an objective. */
export interface GoodputSpec {
  ttftMs: number | null;
  latencyMs: number | null;
  /** The p95 of the request's own gaps between content frames. */
  itlP95Ms: number | null;
  requirePass: boolean;
}

/** p95 of one request's inter-token gaps (nearest rank), ms; null with fewer than 2 content frames. */
export function requestItlP95(contentFrames: readonly number[]): number | null {
  const gaps = interTokenLatencies([...contentFrames]).sort((a, b) => a - b);
  if (gaps.length === 0) return null;
  return gaps[Math.min(gaps.length - 1, Math.ceil(0.95 * gaps.length) - 1)]!;
}

/**
 * Whether a record is good. A TTFT objective is not met without a TTFT (run mode): a request proves its
 * objectives, it is never given them. require_pass fails only a record its graders failed (pass false):
 * a run without graders has nothing to pass.
 */
export function isGood(r: ResultRecord, g: GoodputSpec): boolean {
  if (!r.ok) return false;
  if (g.ttftMs !== null && (r.ttftMs === null || r.ttftMs > g.ttftMs)) return false;
  if (g.latencyMs !== null && r.latencyMs > g.latencyMs) return false;
  if (g.itlP95Ms !== null) {
    // One content frame has no gap to be late: the objective holds (TTFT judges that frame).
    const p95 = requestItlP95(r.timestamps.contentFrames);
    if (p95 !== null && p95 > g.itlP95Ms) return false;
  }
  if (g.requirePass && r.pass === false) return false;
  return true;
}
