// The load keys that decide how a request survives trouble: connect / first-byte / idle timeouts and retry_partial.
import type { WalkedLoad } from './suite-schema.js';
import type { LoadSpec } from './types.js';

type Resilience = Pick<LoadSpec, 'connectTimeoutMs' | 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'retryPartial'>;

/** Reads the walked `load` section (durations already in ms, defaults filled by the schema). */
export function resilienceOf(load: WalkedLoad): Resilience {
  return {
    connectTimeoutMs: load.connect_timeout,
    firstByteTimeoutMs: load.first_byte_timeout,
    idleTimeoutMs: load.idle_timeout,
    retryPartial: load.retry_partial,
  };
}
