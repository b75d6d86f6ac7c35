// One planned request, start to end: render inputs, call the flow (with retries, each attempt timed on
// its own), fetch its metadata. Never throws: every outcome becomes a record. Grading happens elsewhere
// (the grading pool): nothing slow runs on a thread that timestamps frames.
import { renderInputs, compileTemplate, type TemplateContext } from '../dataset/template.js';
import { sinceAnchor, toIso } from '../clock/clock.js';
import { deriveNodeTimings, deriveTimings } from '../metrics/timings.js';
import type { AttemptTiming, ResultRecord } from '../record/result-record.js';
import { StackAIClient } from '../stackai/client.js';
import type { ClassifiedError, InvokeOutcome, RowHeaders } from '../stackai/types.js';
import type { RequestTask, WorkerConfig } from './messages.js';
import { extractFields } from '../record/metadata-fields.js';
import { shouldRetry, withRetries } from './retry-policy.js';
import { compileRowHeaders, fixedHeaders } from './row-headers.js';

/** Per-executor state prepared once from the config. */
export interface RequestContext {
  config: WorkerConfig;
  client: StackAIClient;
  expected: ((row: number, values: Record<string, unknown>) => string) | null;
  /** The templated target.headers for one row; null when there are none. */
  headers: ((ctx: TemplateContext) => RowHeaders) | null;
}

/** What the executor's stall detector writes into while the request is in flight. */
export interface InFlightMark {
  stallMs: number;
}

/** The HTTP client an executor (worker thread or main thread) sends its requests with. */
export function clientFor(config: WorkerConfig): StackAIClient {
  return new StackAIClient({
    baseUrl: config.baseUrl,
    token: config.token,
    connections: config.connections,
    headers: fixedHeaders(config.headers), // the templated ones are rendered per request
    ...(config.connectTimeoutMs !== undefined && { connectTimeoutMs: config.connectTimeoutMs }),
  });
}

export function prepareContext(config: WorkerConfig, client: StackAIClient): RequestContext {
  const t = config.expected === null ? null : compileTemplate(config.expected);
  return {
    config,
    client,
    headers: compileRowHeaders(config.headers),
    expected:
      t === null
        ? null
        : (row, values) => {
            const v = t.render({ row, values });
            return typeof v === 'string' ? v : JSON.stringify(v);
          },
  };
}

async function invokeWithRetries(ctx: RequestContext, task: RequestTask, inputs: Record<string, unknown>, row: RowHeaders | undefined) {
  const { config } = ctx;
  const variant = config.variants[task.variant]!;
  const log = await withRetries<InvokeOutcome>(
    {
      retry: (outcome, attempt) => shouldRetry(outcome, attempt, config.retries, { retryPartial: config.retryPartial === true }),
      retryAfterMs: (outcome) => outcome.retryAfterMs,
    },
    () =>
      ctx.client.invoke({
        mode: config.mode,
        orgId: config.orgId,
        flowId: config.flowId,
        inputs,
        ...(variant.version === null ? {} : { version: variant.version }),
        ...(variant.runDraft ? { runDraft: true } : {}),
        ...(variant.verbose !== undefined && { verbose: variant.verbose }),
        stream: config.stream,
        timeoutMs: config.timeoutMs,
        firstByteTimeoutMs: config.firstByteTimeoutMs ?? null,
        idleTimeoutMs: config.idleTimeoutMs ?? null,
        ...row,
      }),
  );
  return { outcome: log[log.length - 1]!.result, log };
}

export async function executeRequest(ctx: RequestContext, task: RequestTask, mark?: InFlightMark): Promise<ResultRecord> {
  const { config } = ctx;
  const variant = config.variants[task.variant]!;
  const inputs = renderInputs(config.inputs, { row: task.row, values: task.values });
  const expected = ctx.expected ? ctx.expected(task.row, task.values) : null;
  const row = ctx.headers?.({ row: task.row, values: task.values, ...(expected !== null && { expected }) });
  const { outcome, log } = await invokeWithRetries(ctx, task, inputs, row);
  const output = outcome.outputs[config.output] ?? '';

  let metadata: unknown = null;
  let metadataError: ClassifiedError | undefined;
  let metadataFields: Record<string, unknown> | undefined;
  // A failed run that got a run id is fetched too: it may be billed, and the server may say it succeeded (docs/cost.md).
  if (config.metadata.fetch && outcome.runId) {
    const m = await ctx.client.getMetadata(config.orgId, config.flowId, outcome.runId, config.timeoutMs, row);
    if (m.ok) metadata = m.metadata;
    else metadataError = m.error;
    if (m.ok && Object.keys(config.metadata.fields).length) metadataFields = extractFields(m.metadata, config.metadata.fields);
  }

  const raw = {
    scheduled: task.scheduledAt,
    firstSent: log[0]!.result.sentAt,
    sent: outcome.sentAt,
    firstByte: outcome.firstByteAt,
    contentFrames: outcome.contentFrameAt,
    end: outcome.endAt,
  };
  const t = deriveTimings(raw);
  const perNode = outcome.progress === undefined ? null : deriveNodeTimings(outcome.progress, outcome.sentAt, outcome.endAt, outcome.firstContentMark);
  const rel = (v: number) => sinceAnchor(config.anchor, v);
  const attemptLog: AttemptTiming[] = log.map(({ result: o, backoffMs: wait }) => ({
    sent: rel(o.sentAt),
    firstByte: o.firstByteAt === null ? null : rel(o.firstByteAt),
    end: rel(o.endAt),
    error: o.error?.kind ?? null,
    status: o.status,
    ...(wait !== undefined && { backoffMs: wait }),
  }));
  const graded = config.graders.length > 0;
  const retriedOn = log.slice(0, -1).map((a) => a.result.error!.kind);
  // Redacted here, at the source, before anything reads it: graders and judges, feedback, every report file.
  // The client's messages are clean already; outputs and metadata are the server's words, which may echo the
  // token or a header back (a flow that repeats its Authorization header answers with *** in its place).
  const redactor = ctx.client.redactor(row);
  return redactor.deep<ResultRecord>({
    variant: variant.name,
    row: task.row,
    iteration: task.iteration,
    ...(task.repeat !== undefined && { repeat: task.repeat }),
    attempts: log.length,
    ...(retriedOn.length > 0 && { retriedOn }),
    runId: outcome.runId,
    ok: outcome.ok,
    error: outcome.error,
    scheduledAt: toIso(config.anchor, task.scheduledAt),
    startedAt: toIso(config.anchor, outcome.sentAt),
    ttfbMs: t.ttfbMs,
    ttftMs: t.ttftMs,
    latencyMs: t.latencyMs,
    queueMs: t.queueMs,
    inputs,
    expected,
    output,
    // A failed request is not graded as a success: its grades stay empty and pass is false. A successful
    // one is graded in the grading pool, which sets these three.
    grades: [],
    pass: graded ? (outcome.ok ? null : false) : null,
    score: graded ? (outcome.ok ? null : 0) : null,
    metadata,
    ...(metadataFields ? { metadataFields } : {}),
    ...(metadataError ? { metadataError } : {}),
    feedback: null,
    attemptLog,
    ...(mark !== undefined && mark.stallMs > 0 && { harnessStallMs: Math.round(mark.stallMs * 1000) / 1000 }),
    ...(perNode !== null && perNode.nodes.length > 0 && { nodes: perNode.nodes }),
    ...(perNode?.firstContentNode != null && { firstContentNode: perNode.firstContentNode }),
    timestamps: {
      scheduled: rel(raw.scheduled),
      sent: rel(raw.sent),
      firstByte: raw.firstByte === null ? null : rel(raw.firstByte),
      contentFrames: raw.contentFrames.map(rel),
      end: rel(raw.end),
      ...(outcome.progress !== undefined && { progress: outcome.progress.map((p) => ({ ...p, at: rel(p.at) })) }),
    },
  });
}
