// GET /analytics/org/{org_id}/flows/{flow_id}: the generated history filtered by start_date, end_date, state and
// user_id, newest first, paged by page (from 0) and page_size, as StackAI's analytics API documents it.
import type { ServerResponse } from 'node:http';
import type { FlowsConfig } from './flows.js';
import { generateHistory, type HistoryRun } from './history.js';
import { type QueryReader, sendDetail, sendJson, sendValidation, type ValidationIssue } from './wire.js';

const STATES = ['PENDING', 'PAUSED', 'RESUMED', 'COMPLETED', 'FAILED', 'CANCELLED'];

/** The history of each flow, newest first with each run's time, made on the first request for it. */
export class HistoryStore {
  private readonly byFlow = new Map<string, Array<{ ms: number; run: HistoryRun }>>();

  constructor(private readonly config: FlowsConfig) {}

  runs(flowId: string): Array<{ ms: number; run: HistoryRun }> | null {
    const flow = this.config.flows.get(flowId);
    if (flow === undefined) return null;
    let runs = this.byFlow.get(flowId);
    if (runs === undefined) {
      runs = generateHistory(this.config.seed, flow)
        .map((run) => ({ ms: Date.parse(run.date), run }))
        .reverse();
      this.byFlow.set(flowId, runs);
    }
    return runs;
  }
}

/** A date-time query parameter as pydantic reads one (a date alone is its midnight, a time without a zone is UTC). */
function dateParam(q: QueryReader, name: string, issues: ValidationIssue[]): number | null {
  const v = q.optionalString(name);
  if (v === undefined || v === '') return null;
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(v.slice(10)) ? v : /T/.test(v) ? `${v}Z` : `${v}T00:00:00Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) issues.push({ type: 'datetime_from_date_parsing', loc: ['query', name], msg: 'Input should be a valid datetime or date', input: v });
  return Number.isNaN(ms) ? null : ms;
}

export function serveHistory(store: HistoryStore, flowId: string, q: QueryReader, res: ServerResponse): void {
  const page = q.int('page') ?? 0;
  const pageSize = q.int('page_size') ?? 25;
  const issues: ValidationIssue[] = [...q.issues];
  if (page < 0)
    issues.push({ type: 'greater_than_equal', loc: ['query', 'page'], msg: 'Input should be greater than or equal to 0', input: String(page), ctx: { ge: 0 } });
  if (pageSize < 1)
    issues.push({
      type: 'greater_than_equal',
      loc: ['query', 'page_size'],
      msg: 'Input should be greater than or equal to 1',
      input: String(pageSize),
      ctx: { ge: 1 },
    });
  const from = dateParam(q, 'start_date', issues);
  const to = dateParam(q, 'end_date', issues);
  const userId = q.optionalString('user_id');
  const stateText = q.optionalString('state');
  const states = stateText === undefined || stateText === '' ? null : new Set(stateText.split(',').map((s) => s.trim().toUpperCase()));
  for (const s of states ?? []) {
    if (!STATES.includes(s))
      issues.push({ type: 'value_error', loc: ['query', 'state'], msg: `Value error, unknown state ${s} (accepted: ${STATES.join(', ')})`, input: stateText });
  }
  if (issues.length) return sendValidation(res, issues);
  const runs = store.runs(flowId);
  if (runs === null) return sendDetail(res, 404, `Flow ${flowId} not found`);
  const kept = runs.filter(
    ({ ms, run }) =>
      (from === null || ms >= from) &&
      (to === null || ms <= to) &&
      (userId === undefined || run.user_id === userId) &&
      (states === null || states.has(run.state)),
  );
  sendJson(
    res,
    200,
    kept.slice(page * pageSize, (page + 1) * pageSize).map((r) => r.run),
  );
}
