// The error taxonomy: maps HTTP statuses and transport exceptions to one ClassifiedError each,
// with one-line messages that never carry a secret.
import { redact } from './redaction.js';
import type { ClassifiedError, ErrorKind } from './types.js';

/** Redaction lives in redaction.ts (every encoding of every secret); re-exported for the callers of this module. */
export { redact };

/** Longest message text we keep; long bodies and flow errors are cut here. */
export const MAX_MESSAGE_CHARS = 200;

/** Where the request was when an exception surfaced: before the response headers, or while reading the body. */
export type ExceptionPhase = 'request' | 'body';

/**
 * Collapses whitespace to single spaces and cuts to `max` characters.
 * Callers redact BEFORE calling this, so a truncation can never leave half a secret behind.
 */
export function oneLine(text: string, max: number = MAX_MESSAGE_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A ClassifiedError whose message is redacted, then flattened to one line. */
export function makeError(kind: ErrorKind, message: string, status: number | null, secrets: readonly string[] = []): ClassifiedError {
  return { kind, message: oneLine(redact(message, secrets)), status };
}

function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 401:
      return 'http_401';
    case 403:
      return 'http_403';
    case 404:
      return 'http_404';
    case 422:
      return 'http_422';
    case 429:
      return 'http_429';
    default:
      return status >= 500 ? 'http_5xx' : 'http_4xx';
  }
}

/** Renders FastAPI's `detail`: a string as is; a validation list as "query.version: msg; body: msg". */
function describeDetail(detail: unknown): string | null {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const parts = detail.map((item: unknown) => {
      if (item === null || typeof item !== 'object') return JSON.stringify(item);
      const { loc, msg } = item as { loc?: unknown; msg?: unknown };
      const where = Array.isArray(loc) ? loc.map(String).join('.') : '';
      const what = typeof msg === 'string' ? msg : JSON.stringify(item);
      return where ? `${where}: ${what}` : what;
    });
    return parts.join('; ');
  }
  if (detail !== undefined && detail !== null) return JSON.stringify(detail);
  return null;
}

/**
 * Classifies a non-2xx response. The message is the body's `detail` when the body is JSON
 * (FastAPI's validation list rendered as loc: msg), else the start of the body text.
 */
export function classifyHttpStatus(status: number, bodyText: string, secrets: readonly string[] = []): ClassifiedError {
  let text: string | null = null;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed !== null && typeof parsed === 'object' && 'detail' in parsed) {
      text = describeDetail((parsed as { detail: unknown }).detail);
    }
  } catch {
    // Not JSON (an HTML error page from a proxy, say): fall back to the raw text.
  }
  if (text === null) text = bodyText.trim() === '' ? '(empty body)' : bodyText;
  return makeError(kindForStatus(status), `HTTP ${status}: ${text}`, status, secrets);
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'UND_ERR_ABORT', 'ABORT_ERR']);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** The error's code, looking into AggregateError (Happy Eyeballs tries several addresses) and `cause`. */
function codeOf(err: ErrorLike, depth = 0): string | null {
  if (typeof err.code === 'string' && err.code !== '') return err.code;
  if (depth > 3) return null;
  const inner = Array.isArray(err.errors) ? err.errors[0] : err.cause;
  return inner !== null && typeof inner === 'object' ? codeOf(inner as ErrorLike, depth + 1) : null;
}

function messageOf(err: ErrorLike): string {
  const own = typeof err.message === 'string' ? err.message : '';
  if (own !== '') return own;
  if (Array.isArray(err.errors) && err.errors.length > 0) {
    return err.errors.map((e: unknown) => (e !== null && typeof e === 'object' ? String((e as ErrorLike).message ?? '') : String(e))).join('; ');
  }
  return String(err);
}

/**
 * Classifies a transport exception from undici or Node. AbortError is taken as a timeout:
 * the client's own total-time timer is the only thing that aborts a request.
 */
export function classifyException(err: unknown, phase: ExceptionPhase, secrets: readonly string[] = []): ClassifiedError {
  const e: ErrorLike = err !== null && typeof err === 'object' ? (err as ErrorLike) : { message: String(err) };
  const code = codeOf(e);
  const name = typeof e.name === 'string' ? e.name : '';
  const where = phase === 'request' ? 'before the response' : 'while reading the body';
  const detail = `${code ?? (name || 'Error')}: ${messageOf(e)}`;
  let kind: ErrorKind;
  if (code !== null && (CONNECT_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) kind = 'connect';
  else if ((code !== null && TIMEOUT_CODES.has(code)) || name === 'AbortError' || name === 'TimeoutError') kind = 'timeout';
  else if (code === 'ETIMEDOUT') kind = phase === 'request' ? 'connect' : 'timeout';
  else kind = 'reset'; // ECONNRESET, UND_ERR_SOCKET ("other side closed"), EPIPE, closed clients, anything else
  return makeError(kind, `${detail} (${where})`, null, secrets);
}

/**
 * Parses a Retry-After header (delta-seconds or an HTTP date) into ms to wait, or null.
 * `nowEpochMs` is passed in so the function stays pure.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowEpochMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowEpochMs);
}
