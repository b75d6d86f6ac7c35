// Answers that mean the rest of the run would fail the same way, and each one is a billable run: a
// wrong key (401), a key without access (403), or a wrong org or flow (404) before anything succeeded.
// On one of these the run stops sending; the requests in flight finish; the verdict is fail.
import type { ClassifiedError } from './types.js';

/** Whether this failure should stop the run; `okSeen`: some request of the run has already succeeded. */
export function stopsTheRun(error: ClassifiedError | null, okSeen: boolean): boolean {
  if (error === null) return false;
  if (error.kind === 'http_401' || error.kind === 'http_403') return true;
  return error.kind === 'http_404' && !okSeen;
}

/** What to check, for each kind that stops a run. */
export function stopHint(error: ClassifiedError): string {
  switch (error.kind) {
    case 'http_401':
      return 'check the API key (target.token, e.g. STACKAI_API_KEY): the server did not accept it';
    case 'http_403':
      return 'the API key has no access to this org or flow: check target.org_id, or use a key of that org';
    case 'http_404':
      return "check target.org_id and target.flow_id (and the variant's version): the server knows no such flow";
    case 'budget' as ClassifiedError['kind']:
      return "the suite's run budget stopped it: raise budget.max_runs / max_cost_usd (or --max-runs) to let such a run go on";
    default:
      return 'see errorKinds in the report for what failed; raise stop_on.error_rate (or remove stop_on) to let such a run go on';
  }
}
