// The server's own view of a run, from its metadata: how long the flow took (StackAI's `latency`, seconds)
// and whether it says the run succeeded; set beside the client's view, the gap is the time spent outside
// the flow (network, edge, queueing), and a disagreement on success is flagged.
import { valueAtPath } from '../record/metadata-fields.js';
import type { ServerMismatch } from '../record/usage.js';

/** Where the server reports its latency, and in what unit (`metadata.server_latency`). */
export interface ServerLatencySpec {
  path: string;
  unit: 's' | 'ms';
}

/** StackAI's metadata carries `latency` in seconds. */
export const DEFAULT_SERVER_LATENCY: ServerLatencySpec = { path: 'latency', unit: 's' };

/** The server's latency of the run in ms, or null when the metadata lacks a finite, non-negative number there. */
export function serverLatencyMs(metadata: unknown, spec: ServerLatencySpec): number | null {
  const v = valueAtPath(metadata, spec.path);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
  return spec.unit === 's' ? v * 1000 : v;
}

/** States that end a run badly; PENDING, RUNNING, PAUSED or RESUMED say nothing final yet. */
const FAILED_STATES = new Set(['FAILED', 'CANCELLED', 'ERROR']);

/**
 * Whether the server says the run succeeded: `state` COMPLETED with no `error` is success, FAILED or
 * CANCELLED (or an `error`) is failure; null when the metadata says neither, or a run still going.
 */
export function serverSaysOk(metadata: unknown): boolean | null {
  if (metadata === null || typeof metadata !== 'object') return null;
  const m = metadata as { state?: unknown; error?: unknown };
  if (m.error !== undefined && m.error !== null && m.error !== '') return false;
  if (typeof m.state !== 'string') return null;
  const state = m.state.toUpperCase();
  return state === 'COMPLETED' ? true : FAILED_STATES.has(state) ? false : null;
}

export function mismatchOf(clientOk: boolean, serverOk: boolean | null): ServerMismatch | null {
  if (serverOk === null || serverOk === clientOk) return null;
  return serverOk ? 'server_ok_client_failed' : 'server_failed_client_ok';
}
