// The StackAI wire contract as flowbench sees it: request shapes, outcomes and the error taxonomy.

export type Mode = 'run' | 'stream' | 'sso-stream';

export interface StreamOptions {
  sse: boolean;
  delta: boolean;
  prefix: boolean;
}

/** Every failure a request can end in maps to exactly one of these kinds. */
export type ErrorKind =
  | 'http_401' // bad or missing token
  | 'http_403'
  | 'http_404' // unknown flow or run id
  | 'http_422' // FastAPI validation error (bad query value, non-object body)
  | 'http_429' // rate limited
  | 'http_4xx' // any other 4xx
  | 'http_5xx'
  | 'connect' // could not open a connection (refused, DNS, TLS)
  | 'timeout' // no answer / no complete answer within the time allowed
  | 'reset' // connection dropped after it was open
  | 'flow_error' // the flow reported a non-null `error`, or state FAILED / CANCELLED
  | 'paused' // the flow paused (non-null `pause` or state PAUSED)
  | 'incomplete_stream' // EOF before a COMPLETED frame, or a run response that is not COMPLETED
  | 'protocol' // unparsable frame / body, changed run_id, unknown state
  | 'grader' // a grader could not run (counted apart from a failed grade)
  | 'harness' // flowbench itself failed on this request (a worker crashed): a bug to report
  | 'skipped'; // a conversation's turn never sent: an earlier turn failed (counted apart from errors)

export interface ClassifiedError {
  kind: ErrorKind;
  /** One line, never containing the token. */
  message: string;
  /** HTTP status when a response arrived, else null. */
  status: number | null;
}

export interface InvokeRequest {
  mode: Mode;
  orgId: string;
  flowId: string;
  inputs: Record<string, unknown>;
  /** Flow version; -1 = latest published; undefined = not sent. */
  version?: number;
  /** Only valid for stream modes (the loader refuses it in run mode). */
  runDraft?: boolean;
  verbose?: boolean;
  stream: StreamOptions;
  /** Total time allowed for the request, in ms. */
  timeoutMs: number;
  /** Stream modes: time allowed from send to the response headers, ms (null/absent: only the total). */
  firstByteTimeoutMs?: number | null;
  /** Time allowed with no frame or keep-alive line (run mode: no bytes) once the headers are in, ms. */
  idleTimeoutMs?: number | null;
  /** This row's rendered extra headers (templated target.headers), on top of the client's fixed ones. */
  headers?: Record<string, string>;
  /** More strings to keep out of this request's messages: the dataset values inside a secret-looking header. */
  secrets?: readonly string[];
}

/** A row's part of a call's headers, also given to that run's metadata fetch. */
export type RowHeaders = Pick<InvokeRequest, 'headers' | 'secrets'>;

/**
 * What one request did. All times are ms on the shared clock (see clock/clock.ts),
 * comparable across worker threads.
 */
export interface InvokeOutcome {
  ok: boolean;
  status: number | null;
  runId: string | null;
  /** Assembled outputs (for streams: all increments appended). Partial on failure. */
  outputs: Record<string, string>;
  error: ClassifiedError | null;
  sentAt: number;
  firstByteAt: number | null;
  /** Arrival time of each frame that carried non-empty content in any output key (stream modes). */
  contentFrameAt: number[];
  endAt: number;
  /** Number of frames decoded (stream modes), 1 for run mode. */
  frames: number;
  /**
   * Stream modes: each change of progress_data (current node, started or completed count), in arrival
   * order, timed like content frames; absent when no frame carried progress.
   */
  progress?: ProgressMark[];
  /** Index in `progress` of the mark current when the first content frame arrived (absent: no content, or no progress before it). */
  firstContentMark?: number;
  /** Wait the server asked for with Retry-After (seconds or HTTP date), in ms; null when absent. */
  retryAfterMs?: number | null;
}

/** One change of a stream's progress_data: when it arrived (ms on the shared clock) and what it said. */
export interface ProgressMark {
  at: number;
  /** current_node (null when the frame did not name one). */
  node: string | null;
  started: number | null;
  completed: number | null;
}
