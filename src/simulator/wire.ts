// The StackAI wire format as the simulator writes it: frames, run bodies, 401/404 details and FastAPI 422s.
import type { ServerResponse } from 'node:http';

/** One entry of a FastAPI 422 `detail` list. */
export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export interface ProgressData {
  current_node: string;
  total_nodes: number;
  started_nodes: number;
  completed_nodes: number;
}

/** Every run response and every stream frame has exactly these keys. */
export interface WireFrame {
  outputs: Record<string, string>;
  citations: null;
  run_id: string;
  metadata: Record<string, unknown> | null;
  progress_data: ProgressData | null;
  state: string | null;
  pause: unknown;
  error: string | null;
}

const TOTAL_NODES = 7;
const NODES = ['Input', 'Knowledge Base', 'Prompt', 'LLM', 'LLM'];

/** Progress of the k-th progress-only frame: walks the flow's nodes up to the LLM. */
export function progressAt(k: number): ProgressData {
  return PROGRESS_AT[Math.min(k, NODES.length - 1)]!;
}

/** Progress while the Output node streams (done = the completion frame). */
export function progressOutput(done: boolean): ProgressData {
  return done ? OUTPUT_DONE : OUTPUT_STREAMING;
}

// The few progress values there are, built (and JSON-encoded) once: every frame of every stream reuses them.
const PROGRESS_AT: readonly ProgressData[] = NODES.map((node, i) =>
  Object.freeze({ current_node: node, total_nodes: TOTAL_NODES, started_nodes: i + 1, completed_nodes: i }),
);
const OUTPUT_STREAMING: ProgressData = Object.freeze({ current_node: 'Output', total_nodes: TOTAL_NODES, started_nodes: 6, completed_nodes: 5 });
const OUTPUT_DONE: ProgressData = Object.freeze({ current_node: 'Output', total_nodes: TOTAL_NODES, started_nodes: 6, completed_nodes: 6 });
const PROGRESS_JSON = new Map<ProgressData, string>([...PROGRESS_AT, OUTPUT_STREAMING, OUTPUT_DONE].map((p) => [p, JSON.stringify(p)]));

export function streamFrame(
  runId: string,
  outputs: Record<string, string>,
  progress: ProgressData,
  state: string | null = null,
  error: string | null = null,
  pause: unknown = null,
): WireFrame {
  return { outputs, citations: null, run_id: runId, metadata: {}, progress_data: progress, state, pause, error };
}

export function runBody(runId: string, outputs: Record<string, string>, state: string, error: string | null, pause: unknown = null): WireFrame {
  return { outputs, citations: null, run_id: runId, metadata: null, progress_data: null, state, pause, error };
}

/** A JSON Lines line, or an SSE `data:` event. */
export function encodeFrame(frame: WireFrame, sse: boolean): string {
  const json = frameJson(frame);
  return sse ? `data: ${json}\n\n` : `${json}\n`;
}

/**
 * Exactly JSON.stringify(frame) (same keys, same order, same escaping), built by concatenation: the
 * shared progress values are encoded once and a frame costs a few string joins instead of a full
 * stringify; at 1,000 streams that is thousands of frames a second on the simulator's one thread.
 */
export function frameJson(f: WireFrame): string {
  // JSON.stringify leaves out undefined members: not a shape this module builds, but keep it exact.
  if (f.metadata === undefined || f.state === undefined || f.pause === undefined || f.error === undefined) return JSON.stringify(f);
  const progress = f.progress_data === null ? 'null' : (PROGRESS_JSON.get(f.progress_data) ?? JSON.stringify(f.progress_data));
  return `{"outputs":${outputsJson(f.outputs)},"citations":null,"run_id":${JSON.stringify(f.run_id)},"metadata":${orNull(f.metadata)},"progress_data":${progress},"state":${orNull(f.state)},"pause":${orNull(f.pause)},"error":${orNull(f.error)}}`;
}

function orNull(v: unknown): string {
  return v === null ? 'null' : JSON.stringify(v);
}

function outputsJson(outputs: Record<string, string>): string {
  let out = '';
  for (const key in outputs) out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(outputs[key])}`;
  return `{${out}}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** 401 / 404 / 405 / 429 / 500: `{"detail": "<message>"}`. */
export function sendDetail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { detail: message }, headers);
}

export function sendValidation(res: ServerResponse, issues: ValidationIssue[]): void {
  sendJson(res, 422, { detail: issues });
}

/** Reads typed query parameters the way FastAPI does, collecting 422 issues instead of throwing. */
export class QueryReader {
  readonly issues: ValidationIssue[] = [];

  constructor(private readonly params: URLSearchParams) {}

  /** FastAPI keeps the last value of a repeated scalar parameter. */
  private raw(name: string): string | undefined {
    const all = this.params.getAll(name);
    return all.length ? all[all.length - 1] : undefined;
  }

  bool(name: string, dflt: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    this.issues.push({ type: 'bool_parsing', loc: ['query', name], msg: 'Input should be a valid boolean, unable to interpret input', input: v });
    return dflt;
  }

  /** An integer, or null when absent (or invalid: then an issue is recorded). */
  int(name: string): number | null {
    const v = this.raw(name);
    if (v === undefined) return null;
    if (/^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
    this.issues.push({ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: v });
    return null;
  }

  /** A required string. */
  string(name: string): string | null {
    const v = this.raw(name);
    if (v !== undefined) return v;
    this.issues.push({ type: 'missing', loc: ['query', name], msg: 'Field required', input: null });
    return null;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }
}

/** Parses a request body that must be a JSON object, or gives the 422 issue. */
export function parseObjectBody(body: string): { ok: true; value: Record<string, unknown> } | { ok: false; issue: ValidationIssue } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, issue: { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: (err as Error).message } } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issue: { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: value } };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
