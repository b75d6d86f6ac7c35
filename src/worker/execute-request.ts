// One planned request, start to end: render inputs, call the flow (with retries), time it, fetch its
// metadata, grade it (feedback is posted later by the runner). Never throws: every outcome becomes a record.
import { setTimeout as sleep } from 'node:timers/promises';
import { renderInputs, compileTemplate } from '../dataset/template.js';
import { prepareGraders, type RowGrader } from '../grade/registry.js';
import { sinceAnchor, toIso } from '../metrics/clock.js';
import { deriveTimings } from '../metrics/timings.js';
import { StackAIClient } from '../stackai/client.js';
import type { ClassifiedError, ErrorKind, InvokeOutcome } from '../stackai/types.js';
import { judgeCaller } from './judge-caller.js';
import type { RequestTask, ResultRecord, WorkerConfig } from './messages.js';
import { extractFields } from './metadata-fields.js';
import { backoffMs, shouldRetry } from './retry-policy.js';

/** Per-worker state prepared once from the config. */
export interface RequestContext {
  config: WorkerConfig;
  client: StackAIClient;
  grader: RowGrader;
  expected: ((row: number, values: Record<string, unknown>) => string) | null;
}

/** The HTTP client an executor (worker thread or main thread) sends its requests with. */
export function clientFor(config: WorkerConfig): StackAIClient {
  return new StackAIClient({
    baseUrl: config.baseUrl, token: config.token, connections: config.connections,
    ...(config.connectTimeoutMs !== undefined && { connectTimeoutMs: config.connectTimeoutMs }),
  });
}

export function prepareContext(config: WorkerConfig, client: StackAIClient): RequestContext {
  const t = config.expected === null ? null : compileTemplate(config.expected);
  return {
    config,
    client,
    grader: prepareGraders(config.graders, { dir: config.suiteDir, judge: judgeCaller(config, client), passScore: config.passScore }),
    expected: t === null ? null : (row, values) => {
      const v = t.render({ row, values });
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
  };
}

async function invokeWithRetries(ctx: RequestContext, task: RequestTask, inputs: Record<string, unknown>) {
  const { config } = ctx;
  const variant = config.variants[task.variant]!;
  let attempts = 0;
  const retriedOn: ErrorKind[] = []; // the error kind of every attempt that was retried
  for (;;) {
    attempts++;
    const outcome: InvokeOutcome = await ctx.client.invoke({
      mode: config.mode,
      orgId: config.orgId,
      flowId: config.flowId,
      inputs,
      ...(variant.version === null ? {} : { version: variant.version }),
      ...(variant.runDraft ? { runDraft: true } : {}),
      stream: config.stream,
      timeoutMs: config.timeoutMs,
      firstByteTimeoutMs: config.firstByteTimeoutMs ?? null,
      idleTimeoutMs: config.idleTimeoutMs ?? null,
    });
    if (!shouldRetry(outcome, attempts, config.retries, { retryPartial: config.retryPartial === true })) return { outcome, attempts, retriedOn };
    retriedOn.push(outcome.error!.kind);
    await sleep(backoffMs(attempts, outcome.retryAfterMs, Math.random()));
  }
}

export async function executeRequest(ctx: RequestContext, task: RequestTask): Promise<ResultRecord> {
  const { config } = ctx;
  const variant = config.variants[task.variant]!;
  const inputs = renderInputs(config.inputs, { row: task.row, values: task.values });
  const expected = ctx.expected ? ctx.expected(task.row, task.values) : null;
  const { outcome, attempts, retriedOn } = await invokeWithRetries(ctx, task, inputs);
  const output = outcome.outputs[config.output] ?? '';

  let metadata: unknown = null;
  let metadataError: ClassifiedError | undefined;
  let metadataFields: Record<string, unknown> | undefined;
  if (config.metadata.fetch && outcome.ok && outcome.runId) {
    const m = await ctx.client.getMetadata(config.orgId, config.flowId, outcome.runId, config.timeoutMs);
    if (m.ok) metadata = m.metadata;
    else metadataError = m.error;
    if (m.ok && Object.keys(config.metadata.fields).length) metadataFields = extractFields(m.metadata, config.metadata.fields);
  }

  const raw = {
    scheduled: task.scheduledAt,
    sent: outcome.sentAt,
    firstByte: outcome.firstByteAt,
    contentFrames: outcome.contentFrameAt,
    end: outcome.endAt,
  };
  const t = deriveTimings(raw);

  // Graded after the metadata fetch so script graders see it. A failed request is not graded as a
  // success: its grades stay empty and pass is false. Feedback is posted by the runner, off this path.
  const graded = outcome.ok
    ? await ctx.grader.grade({ output, expected, row: task.row, values: task.values, variant: variant.name, ttftMs: t.ttftMs, latencyMs: t.latencyMs, metadata })
    : { grades: [], pass: config.graders.length ? false : null, score: config.graders.length ? 0 : null };
  const rel = (v: number) => sinceAnchor(config.anchor, v);
  return {
    variant: variant.name,
    row: task.row,
    iteration: task.iteration,
    attempts,
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
    grades: graded.grades,
    pass: graded.pass,
    score: graded.score,
    metadata,
    ...(metadataFields ? { metadataFields } : {}),
    ...(metadataError ? { metadataError } : {}),
    feedback: null,
    timestamps: {
      scheduled: rel(raw.scheduled),
      sent: rel(raw.sent),
      firstByte: raw.firstByte === null ? null : rel(raw.firstByte),
      contentFrames: raw.contentFrames.map(rel),
      end: rel(raw.end),
    },
  };
}

