// The load keys that decide how a request survives trouble: connect / first-byte / idle timeouts and retry_partial.
import type { LoadSpec } from './types.js';

type Resilience = Pick<LoadSpec, 'connectTimeoutMs' | 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'retryPartial'>;

/** Reads the walked `load` section (durations already in ms, defaults filled by the schema). */
export function resilienceOf(load: Record<string, unknown>): Resilience {
  return {
    connectTimeoutMs: load.connect_timeout as number,
    firstByteTimeoutMs: load.first_byte_timeout as number,
    idleTimeoutMs: load.idle_timeout as number,
    retryPartial: load.retry_partial === true,
  };
}
