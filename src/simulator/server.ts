// A StackAI-compatible node:http server: run, stream, sso stream, metadata, feedback and the run history (analytics) over simulated flows.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Mode } from '../stackai/types.js';
import { nowMs } from '../clock/clock.js';
import type { FlowDef, FlowsConfig } from './flows.js';
import { resolveVariant } from './resolve-variant.js';
import { inputText, planResponse } from './plan.js';
import { RunStore, type KeptRun } from './run-store.js';
import { httpFault, retryAfterHeader } from './faults.js';
import { respondRun } from './run-responder.js';
import { writeStream } from './stream-writer.js';
import { HistoryStore, serveHistory } from './history-route.js';
import { QueryReader, parseObjectBody, sendDetail, sendJson, sendValidation, type ValidationIssue } from './wire.js';

export interface SimulatorServerOptions {
  config: FlowsConfig;
  /** When set, only this token is accepted; when not, any non-empty token is. */
  token?: string | undefined;
  /** How many runs to keep for metadata and feedback (oldest dropped first). */
  maxRuns?: number;
}

export interface SimulatorServer {
  server: Server;
  store: RunStore;
  /** What it was asked, counted as requests arrive (for tests: a regrade must ask nothing). */
  counts: SimulatorCounts;
}

/** Requests received: every one, and the flow runs (run, stream, sso stream) per flow id. */
export interface SimulatorCounts {
  requests: number;
  flowRuns: Record<string, number>;
}

type Route =
  | { kind: 'invoke'; mode: Mode; org: string; flow: string }
  | { kind: 'metadata'; org: string; flow: string }
  | { kind: 'feedback'; org: string; flow: string }
  | { kind: 'analytics'; org: string; flow: string }
  | { kind: 'debug-run'; runId: string };

const MAX_BODY = 1 << 20;
/** Shared-clock ms to epoch ms: performance.timeOrigin is the wall clock at start-up, to the microsecond. */
const EPOCH_MINUS_MONO = performance.timeOrigin + performance.now() - nowMs();
/** A shared-clock time as epoch ms to the microsecond (the debug times a benchmark compares across processes). */
const epochMs = (mono: number): number => Math.round((mono + EPOCH_MINUS_MONO) * 1000) / 1000;

export function createSimulatorServer(opts: SimulatorServerOptions): SimulatorServer {
  const store = new RunStore(opts.maxRuns);
  const counts: SimulatorCounts = { requests: 0, flowRuns: {} };
  const history = new HistoryStore(opts.config);
  const server = createServer((req, res) => {
    handle(opts, store, history, counts, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendDetail(res, 500, `simulator error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  return { server, store, counts };
}

/** Matches a path; `methodOk` false means the path exists but not for this method (405). */
function route(method: string, segs: string[]): { route: Route; methodOk: boolean } | null {
  const [a, b, c, d, e, f] = segs;
  const n = segs.length;
  if (n === 3 && a === '_sim' && b === 'runs') return { route: { kind: 'debug-run', runId: c! }, methodOk: method === 'GET' };
  if (n === 5 && a === 'analytics' && b === 'org' && d === 'flows') return { route: { kind: 'analytics', org: c!, flow: e! }, methodOk: method === 'GET' };
  if (a !== 'inference' || b !== 'v0') return null;
  if (n === 5 && (c === 'run' || c === 'stream')) return { route: { kind: 'invoke', mode: c, org: d!, flow: e! }, methodOk: method === 'POST' };
  if (n === 6 && c === 'sso' && d === 'stream') return { route: { kind: 'invoke', mode: 'sso-stream', org: e!, flow: f! }, methodOk: method === 'POST' };
  if (n === 6 && c === 'run' && f === 'metadata') return { route: { kind: 'metadata', org: d!, flow: e! }, methodOk: method === 'GET' };
  if (n === 5 && c === 'feedback') return { route: { kind: 'feedback', org: d!, flow: e! }, methodOk: method === 'POST' };
  return null;
}

async function handle(
  opts: SimulatorServerOptions,
  store: RunStore,
  history: HistoryStore,
  counts: SimulatorCounts,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = nowMs();
  counts.requests++;
  const url = new URL(req.url ?? '/', 'http://simulator');
  let segs: string[];
  try {
    segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return sendDetail(res, 404, 'Not Found');
  }
  const found = route(req.method ?? 'GET', segs);
  if (!found) return sendDetail(res, 404, 'Not Found');
  if (!found.methodOk) return sendDetail(res, 405, 'Method Not Allowed');
  const r = found.route;
  if (r.kind === 'invoke') counts.flowRuns[r.flow] = (counts.flowRuns[r.flow] ?? 0) + 1;
  const body = req.method === 'POST' ? await readBody(req) : '';
  if (body === null) return sendDetail(res, 413, 'Request body too large');
  if (r.kind === 'debug-run') {
    const run = store.get(r.runId);
    return run ? sendJson(res, 200, run) : sendDetail(res, 404, `Run ${r.runId} not found`);
  }

  // Auth comes before validation, as a FastAPI security dependency does.
  const sso = r.kind === 'invoke' && r.mode === 'sso-stream';
  const given = sso ? (url.searchParams.get('token') ?? '') : bearer(req.headers.authorization);
  if (given === '') return sendDetail(res, 401, sso ? 'Missing token' : 'Not authenticated');
  if (opts.token !== undefined && opts.token !== '' && given !== opts.token) return sendDetail(res, 401, 'Invalid API key');

  const q = new QueryReader(url.searchParams);
  if (r.kind === 'metadata') {
    const runId = q.string('run_id');
    if (q.issues.length) return sendValidation(res, q.issues);
    const run = store.get(runId!);
    if (!run || run.flowId !== r.flow || run.orgId !== r.org) return sendDetail(res, 404, `Run ${runId} not found`);
    return sendJson(res, 200, metadataOf(run));
  }
  if (r.kind === 'feedback') return feedback(store, r, body, res);
  if (r.kind === 'analytics') return serveHistory(history, r.flow, q, res);
  return invoke(opts, store, r, q, body, req, res, startedAt);
}

function bearer(header: string | undefined): string {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? m[1]!.trim() : '';
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY) parts.push(b);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function feedback(store: RunStore, r: { org: string; flow: string }, body: string, res: ServerResponse): void {
  const parsed = parseObjectBody(body);
  if (!parsed.ok) return sendValidation(res, [parsed.issue]);
  const issues: ValidationIssue[] = [];
  for (const field of ['run_id', 'feedback']) {
    const v = parsed.value[field];
    if (v === undefined) issues.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: parsed.value });
    else if (typeof v !== 'string') issues.push({ type: 'string_type', loc: ['body', field], msg: 'Input should be a valid string', input: v });
  }
  if (issues.length) return sendValidation(res, issues);
  const runId = parsed.value.run_id as string;
  const run = store.get(runId);
  if (!run || run.flowId !== r.flow || run.orgId !== r.org) return sendDetail(res, 404, `Run ${runId} not found`);
  run.feedback.push(parsed.value.feedback as string);
  return sendJson(res, 200, { feedback_count: run.feedback.length });
}

function invoke(
  opts: SimulatorServerOptions,
  store: RunStore,
  r: { mode: Mode; org: string; flow: string },
  q: QueryReader,
  body: string,
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
): void {
  const stream = r.mode !== 'run';
  const version = q.int('version');
  q.bool('verbose', false);
  const delta = stream ? q.bool('delta', true) : true;
  const sse = stream ? q.bool('sse', false) : false;
  const runDraft = stream ? q.bool('run_draft', false) : false;
  if (stream) q.bool('prefix', false); // accepted; adds nothing here
  const parsed = parseObjectBody(body);
  const issues = parsed.ok ? q.issues : [...q.issues, parsed.issue];
  if (issues.length || !parsed.ok) return sendValidation(res, issues);

  const flow = opts.config.flows.get(r.flow);
  if (!flow) return sendDetail(res, 404, `Flow ${r.flow} not found`);
  const variant = resolveVariant(flow, version, runDraft);
  if (!variant) {
    return sendValidation(res, [
      {
        type: 'value_error',
        loc: ['query', 'version'],
        msg: `Value error, flow ${flow.id} has no version ${version} (versions: ${[...flow.versions.keys()].join(', ')}; -1 = latest published)`,
        input: String(version),
      },
    ]);
  }
  const inputs = parsed.value;
  const counter = store.nextCounter(`${flow.id}\u0000${variant.model.label}\u0000${inputText(flow, inputs)}`);
  const userId = inputs.user_id;
  const earlier = flow.memory && typeof userId === 'string' && userId !== '' ? store.memory.recall(flow.id, userId, inputText(flow, inputs)) : [];
  const plan = planResponse(opts.config.seed, flow, variant, inputs, counter, earlier);
  const faults = variant.model.faults;
  const http = httpFault(plan.fault);
  if (http) {
    const retry: Record<string, string> = plan.fault === 'http_429' || plan.fault === 'http_503' ? { 'retry-after': retryAfterHeader(faults) } : {};
    return sendDetail(res, http.status, http.message, retry);
  }
  if (plan.fault === 'reset') {
    req.socket.destroy(); // before any byte of the response
    return;
  }
  const run = keepRun(store, flow, r, variant, inputs, plan, startedAt);
  const finish = (state: KeptRun['state'], error: string | null, sent: string): void => {
    run.state = state;
    run.error = error;
    run.outputs = { [flow.outputKey]: sent };
  };
  const answer = (from: number): void => {
    if (stream) {
      writeStream({
        res,
        runId: run.runId,
        outputKey: flow.outputKey,
        plan,
        sse,
        delta,
        startedAt: from,
        onEnd: finish,
        onFirstContent: () => (run.firstContentAt = epochMs(nowMs())),
        midStallMs: faults.stallAt === 'content' ? plan.stallMs : 0,
        slowByteMs: faults.slowByteMs,
      });
    } else respondRun(res, req, plan, run.runId, flow.outputKey, from, faults.stallAt === 'content' ? plan.stallMs : 0, faults.slowByteMs, finish);
  };
  if (plan.fault === 'stall' && faults.stallAt === 'headers') {
    // Silence before the headers: the whole answer shifts by the stall.
    const timer = setTimeout(() => answer(startedAt + plan.stallMs), plan.stallMs);
    res.on('close', () => {
      if (run.state !== 'PENDING') return;
      clearTimeout(timer);
      finish('CANCELLED', 'client disconnected', '');
    });
    return;
  }
  answer(startedAt);
}

function keepRun(
  store: RunStore,
  flow: FlowDef,
  r: { mode: Mode; org: string },
  variant: NonNullable<ReturnType<typeof resolveVariant>>,
  inputs: Record<string, unknown>,
  plan: ReturnType<typeof planResponse>,
  startedAt: number,
): KeptRun {
  const run: KeptRun = {
    runId: randomUUID(),
    orgId: r.org,
    flowId: flow.id,
    mode: r.mode,
    version: variant.version,
    draft: variant.draft,
    inputs,
    outputs: {},
    state: 'PENDING',
    error: null,
    correct: plan.correct,
    latencyMs: plan.endAt,
    inputTokens: plan.inputTokens,
    outputTokens: plan.outputTokens,
    modelId: variant.model.model,
    extraUsage: variant.model.extraUsage ?? [],
    createdAt: new Date().toISOString(),
    takenUpAt: epochMs(startedAt),
    feedback: [],
  };
  store.add(run);
  return run;
}

/** The free-form metadata StackAI logs for a run. */
export function metadataOf(run: KeptRun): Record<string, unknown> {
  const extra = run.extraUsage ?? [];
  return {
    run_id: run.runId,
    org_id: run.orgId,
    flow_id: run.flowId,
    version: run.version,
    draft: run.draft,
    mode: run.mode,
    inputs: run.inputs,
    outputs: run.outputs,
    state: run.state,
    error: run.error,
    latency: Math.round(run.latencyMs) / 1000,
    total_tokens: run.inputTokens + run.outputTokens + extra.reduce((a, u) => a + u.inputTokens + u.outputTokens, 0),
    llm_usage: [
      { model_id: run.modelId, input_tokens: run.inputTokens, output_tokens: run.outputTokens },
      ...extra.map((u) => ({ model_id: u.model, input_tokens: u.inputTokens, output_tokens: u.outputTokens })),
    ],
    created_at: run.createdAt,
  };
}
