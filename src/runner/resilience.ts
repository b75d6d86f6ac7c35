// Hands the suite's timeout and retry_partial settings to the worker threads.
import type { Suite } from '../suite/types.js';
import type { WorkerConfig } from '../worker/messages.js';

/** The worker-config part of the load keys that decide how a request survives trouble (absent: client defaults). */
export function resilienceConfig(load: Suite['load']): Pick<WorkerConfig, 'connectTimeoutMs' | 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'retryPartial'> {
  return {
    ...(load.connectTimeoutMs !== undefined && { connectTimeoutMs: load.connectTimeoutMs }),
    ...(load.firstByteTimeoutMs !== undefined && { firstByteTimeoutMs: load.firstByteTimeoutMs }),
    ...(load.idleTimeoutMs !== undefined && { idleTimeoutMs: load.idleTimeoutMs }),
    ...(load.retryPartial !== undefined && { retryPartial: load.retryPartial }),
  };
}
