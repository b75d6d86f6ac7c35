// The StackAI client: calls StackAI with undici (which stays in stackai/), times each request on the shared clock,
// and turns every result — success or failure — into an outcome. Never throws; never leaks the token.
import { createRequire } from 'node:module';
import type { Pool, buildConnector as BuildConnector } from 'undici';
import { nowMs } from '../clock/clock.js';
import { RequestTimers } from './timeouts.js';
import { analyticsPath, feedbackPath, invokePath, metadataPath, splitBaseUrl, type BaseLocation } from './endpoints.js';
import { classifyException, classifyHttpStatus, makeError, type ExceptionPhase } from './errors.js';
import { FrameDecoder, type DecodeResult } from './frame-decoder.js';
import { InvokeReader, MAX_JSON_BODY_BYTES, RetryAfterCollector } from './response-readers.js';
import { skipUnaskedContinue } from './interim-continue.js';
import { exchange } from './exchange.js';
import { RequestHeaders } from './request-headers.js';
import { Redactor } from './redaction.js';
import { urlSecrets } from './url-credentials.js';
import { classifyRunBody } from './run-response.js';
import type { ClassifiedError, InvokeOutcome, InvokeRequest, RowHeaders } from './types.js';

export interface StackAIClientOptions {
  baseUrl: string;
  token: string;
  /** Sockets kept open to the origin: size it to the requests in flight. */
  connections: number;
  /** Time allowed to open a connection (TCP + TLS), ms; default 10 s (undici's). */
  connectTimeoutMs?: number;
  /** Extra headers on every call (lower-cased names; the suite refuses the ones set here). Secret-looking values are redacted like the token. */
  headers?: Record<string, string>;
}

/**
 * undici loads with the first client: it costs ~19 MB of memory (its HTTP parser is WebAssembly), and the
 * main thread only needs it when it posts feedback or runs requests itself (--threads 0). Only the two
 * modules a client uses are loaded (a Pool and its connector, the same ones the package's index exports):
 * the index also loads every other dispatcher, fetch, the mocks and the caches, ~65 ms more CPU per thread.
 * A Pool's own dispatch() and close() are all exchange.ts and close() call.
 */
let undici: { Pool: typeof Pool; buildConnector: typeof BuildConnector } | null = null;
function loadUndici(): NonNullable<typeof undici> {
  if (undici === null) {
    const require = createRequire(import.meta.url);
    undici = { Pool: require('undici/lib/dispatcher/pool.js') as typeof Pool, buildConnector: require('undici/lib/core/connect.js') as typeof BuildConnector };
  }
  return undici;
}

/** undici's own connector, with every socket it opens skipping unasked 100 Continue heads (interim-continue.ts). */
function connector(timeoutMs: number | undefined): BuildConnector.connector {
  const connect = loadUndici().buildConnector(timeoutMs !== undefined && timeoutMs > 0 ? { timeout: timeoutMs } : {});
  return (opts, done) =>
    connect(opts, (...args) => {
      if (args[0] === null && args[1]) skipUnaskedContinue(args[1]); // on a failure the socket is undefined, not null
      done(...args);
    });
}

export type MetadataResult = { ok: true; metadata: unknown } | { ok: false; error: ClassifiedError };
export type FeedbackResult = { ok: true; response: Record<string, number> } | { ok: false; error: ClassifiedError };
/** A page of the analytics API: its parsed JSON (checked by the caller, which knows the shape) and HTTP status. */
export type AnalyticsResult = { ok: true; status: number; value: unknown } | { ok: false; error: ClassifiedError; retryAfterMs?: number };

/** undici's own timeouts sit behind our total-time timer, which is the one that should fire. */
const UNDICI_TIMEOUT_SLACK_MS = 5000;

export class StackAIClient {
  private readonly token: string;
  private readonly headers: RequestHeaders;
  private readonly secrets: readonly string[];
  private readonly ownRedactor: Redactor;
  private readonly location: BaseLocation | null;
  private readonly badBaseUrl: string | null = null;
  private readonly pool: Pool | null;

  constructor(opts: StackAIClientOptions) {
    this.token = opts.token;
    this.headers = new RequestHeaders(opts.token, opts.headers ?? {}, urlSecrets(opts.baseUrl));
    this.secrets = this.headers.secrets;
    this.ownRedactor = new Redactor(this.secrets);
    let location: BaseLocation | null = null;
    try {
      location = splitBaseUrl(opts.baseUrl);
    } catch (err) {
      // Not thrown: invoke() promises never to throw, so every call reports it instead.
      this.badBaseUrl = `invalid base URL: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.location = location;
    const connections = Number.isFinite(opts.connections) && opts.connections >= 1 ? Math.floor(opts.connections) : 1;
    // One keep-alive pool per client, no pipelining: a slow stream must not hold up the request behind it.
    this.pool = location === null ? null : new (loadUndici().Pool)(location.origin, { connections, pipelining: 1, connect: connector(opts.connectTimeoutMs) });
  }

  /**
   * What an answer must be cleaned with before it is kept: the client's messages are redacted already, but
   * outputs and metadata are the server's words, and a server may echo the token (or a row's header) back.
   */
  redactor(row?: RowHeaders): Redactor {
    return row === undefined ? this.ownRedactor : this.ownRedactor.with(this.headers.rowSecrets(row));
  }

  /** run, stream or sso-stream one request. Never throws: every failure is a classified outcome. */
  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    const now = nowMs();
    const outcome: InvokeOutcome = {
      ok: false,
      status: null,
      runId: null,
      outputs: {},
      error: null,
      sentAt: now,
      firstByteAt: null,
      contentFrameAt: [],
      endAt: now,
      frames: 0,
    };
    if (this.pool === null || this.location === null) {
      outcome.error = this.noBaseUrl();
      outcome.endAt = nowMs();
      return outcome;
    }
    // The row's secret-looking header values join the token in every message of this request.
    const { headers, secrets, refused } = this.headers.invoke(req);
    const path = invokePath(this.location.basePath, req, this.token);
    // Nothing is sent when the request itself is malformed: a row's header value with a line break, or
    // inputs that are not JSON (a BigInt, a cycle).
    const body = refused === null ? serialise(req.inputs) : { malformed: refused };
    if (typeof body !== 'string') {
      outcome.error = makeError('protocol', body.malformed, null, secrets);
      outcome.endAt = nowMs();
      return outcome;
    }
    const decoder = req.mode === 'run' ? null : new FrameDecoder({ delta: req.stream.delta, sse: req.stream.sse, secrets });
    // In run mode the headers come with the whole answer: only the total bounds them.
    const deadline = new RequestTimers({
      totalMs: req.timeoutMs,
      firstByteMs: req.mode === 'run' ? null : (req.firstByteTimeoutMs ?? null),
      idleMs: req.idleTimeoutMs ?? null,
    });
    const read = new InvokeReader(outcome, deadline, decoder);
    let endAt: number | null = null;
    outcome.sentAt = nowMs(); // until the reader's onSend replaces it with the socket write (never, if no connection)
    try {
      await exchange(
        this.pool,
        {
          method: 'POST',
          path,
          headers,
          body,
          headersTimeout: req.timeoutMs + UNDICI_TIMEOUT_SLACK_MS,
          bodyTimeout: req.timeoutMs + UNDICI_TIMEOUT_SLACK_MS,
        },
        deadline.controller,
        read,
      );
      if (read.refused !== null) {
        endAt = nowMs();
        outcome.error = read.refused;
      } else if (read.errorBody !== null) {
        endAt = nowMs();
        outcome.error = classifyHttpStatus(outcome.status!, read.errorBody.text(), secrets);
      } else if (decoder === null) {
        endAt = nowMs();
        const text = read.textBody!.text();
        const result =
          text === null
            ? {
                ok: false,
                error: makeError('protocol', `run response larger than ${MAX_JSON_BODY_BYTES} bytes`, null),
                runId: null,
                outputs: {},
                frames: 1,
                contentFrames: 0,
              }
            : classifyRunBody(text, secrets);
        this.applyResult(outcome, result, outcome.status);
      } else {
        if (read.verdictAt === null) {
          const last = decoder.flush(); // a final frame without a trailing newline
          const t = nowMs();
          for (let i = 0; i < last; i++) outcome.contentFrameAt.push(t);
          read.stampProgress(t);
          read.verdictAt = t;
        }
        endAt = read.verdictAt;
        this.applyResult(outcome, decoder.finish(), outcome.status, read.progressAt);
      }
    } catch (err) {
      endAt ??= read.verdictAt ?? nowMs();
      const phase: ExceptionPhase = outcome.status === null ? 'request' : 'body';
      if (read.refused !== null) outcome.error = read.refused;
      else if (read.errorBody !== null) {
        // The status was the verdict: a body cut short of its content-length (or slow past the grace) only
        // shortens the message. A 502 stays http_5xx, retried as one, not a reset or an idle timeout.
        outcome.error = classifyHttpStatus(outcome.status!, read.errorBody.text(), secrets);
      } else if (decoder?.done) {
        // The verdict was reached before the body broke (or the after-verdict grace ran out): it stands.
        this.applyResult(outcome, decoder.finish(), outcome.status, read.progressAt);
      } else {
        if (decoder !== null) this.applyResult(outcome, decoder.finish(), outcome.status, read.progressAt); // keep partial output
        outcome.ok = false;
        outcome.error =
          deadline.fired !== null
            ? makeError('timeout', deadline.describe(phase), outcome.status, secrets)
            : { ...classifyException(err, phase, secrets), status: outcome.status };
      }
    } finally {
      deadline.clear();
    }
    outcome.endAt = endAt ?? nowMs();
    return outcome;
  }

  /** `progressAt`: the arrival time of each of the decoder's progress changes (stream modes). */
  private applyResult(outcome: InvokeOutcome, result: DecodeResult, status: number | null, progressAt: readonly number[] = []): void {
    outcome.ok = result.ok;
    outcome.error = result.error === null ? null : { ...result.error, status };
    outcome.runId = result.runId;
    outcome.outputs = result.outputs;
    outcome.frames = result.frames;
    if (result.progress !== undefined && result.progress.length > 0) {
      // A change the last flush found after a broken body has no chunk time of its own: it came at the end.
      const late = nowMs();
      outcome.progress = result.progress.map((p, i) => ({ at: progressAt[i] ?? late, ...p }));
      if (result.firstContentMark !== null && result.firstContentMark !== undefined) outcome.firstContentMark = result.firstContentMark;
    }
  }

  /** GET the run's logged metadata (free-form JSON), with the headers of the row that made the run. */
  async getMetadata(orgId: string, flowId: string, runId: string, timeoutMs: number, row?: RowHeaders): Promise<MetadataResult> {
    if (this.location === null) return { ok: false, error: this.noBaseUrl() };
    const res = await this.jsonCall('GET', metadataPath(this.location.basePath, orgId, flowId, runId), undefined, timeoutMs, row);
    return res.ok ? { ok: true, metadata: res.value } : res;
  }

  /** POST feedback for a run; the answer is an object of string → integer. */
  async postFeedback(orgId: string, flowId: string, runId: string, feedback: string, timeoutMs: number): Promise<FeedbackResult> {
    if (this.location === null) return { ok: false, error: this.noBaseUrl() };
    const body = JSON.stringify({ run_id: runId, feedback });
    const res = await this.jsonCall('POST', feedbackPath(this.location.basePath, orgId, flowId), body, timeoutMs);
    if (!res.ok) return res;
    const value = res.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: makeError('protocol', `feedback response is not an object: ${JSON.stringify(value)}`, res.status, this.secrets) };
    }
    // Only the numeric entries are kept: the documented answer is string → integer.
    const response: Record<string, number> = {};
    for (const [key, v] of Object.entries(value)) if (typeof v === 'number') response[key] = v;
    return { ok: true, response };
  }

  /** GET one page of a flow's run history (`GET /analytics/org/{org_id}/flows/{flow_id}`), query as given. */
  async getAnalyticsPage(orgId: string, flowId: string, query: Array<[string, string]>, timeoutMs: number): Promise<AnalyticsResult> {
    if (this.location === null) return { ok: false, error: this.noBaseUrl() };
    const res = await this.jsonCall('GET', analyticsPath(this.location.basePath, orgId, flowId, query), undefined, timeoutMs);
    // The runs' inputs and outputs are people's words: one that holds the key (pasted, echoed) is cleaned here.
    return res.ok ? { ...res, value: this.ownRedactor.deep(res.value) } : res;
  }

  /** One small JSON request with Bearer auth and a total timeout. Never throws. */
  private async jsonCall(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    timeoutMs: number,
    row?: RowHeaders,
  ): Promise<{ ok: true; status: number; value: unknown } | { ok: false; error: ClassifiedError; retryAfterMs?: number }> {
    if (this.pool === null) return { ok: false, error: this.noBaseUrl() };
    const { headers, secrets, refused } = this.headers.json(body !== undefined, row);
    if (refused !== null) return { ok: false, error: makeError('protocol', refused, null, secrets) };
    const deadline = new RequestTimers({ totalMs: timeoutMs });
    const got = new RetryAfterCollector(MAX_JSON_BODY_BYTES);
    try {
      await exchange(
        this.pool,
        {
          method,
          path,
          headers,
          body: body ?? null,
          headersTimeout: timeoutMs + UNDICI_TIMEOUT_SLACK_MS,
          bodyTimeout: timeoutMs + UNDICI_TIMEOUT_SLACK_MS,
        },
        deadline.controller,
        got,
      );
      const status = got.status!;
      if (got.errorBody !== null) return { ok: false, error: classifyHttpStatus(status, got.errorBody.text(), secrets), ...got.retryAfter() };
      const text = got.textBody!.text();
      if (text === null) return { ok: false, error: makeError('protocol', `response larger than ${MAX_JSON_BODY_BYTES} bytes`, status) };
      try {
        return { ok: true, status, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false, error: makeError('protocol', `response is not JSON: ${text}`, status, secrets) };
      }
    } catch (err) {
      if (got.errorBody !== null) return { ok: false, error: classifyHttpStatus(got.status!, got.errorBody.text(), secrets), ...got.retryAfter() };
      const error =
        deadline.fired !== null
          ? makeError('timeout', `no complete answer within ${timeoutMs} ms`, got.status, secrets)
          : { ...classifyException(err, got.status === null ? 'request' : 'body', secrets), status: got.status };
      return { ok: false, error };
    } finally {
      deadline.clear();
    }
  }

  /** The error every call reports when the base URL could not be parsed. */
  private noBaseUrl(): ClassifiedError {
    return makeError('connect', this.badBaseUrl ?? 'no base URL', null, this.secrets);
  }

  /** Closes the pool's sockets; in-flight requests finish first. */
  async close(): Promise<void> {
    if (this.pool !== null) await this.pool.close();
  }
}

function serialise(inputs: Record<string, unknown>): string | { malformed: string } {
  try {
    return JSON.stringify(inputs);
  } catch (err) {
    return { malformed: `inputs are not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}` };
  }
}
