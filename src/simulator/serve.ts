// Serves parsed flows over HTTP: the simulator's server, its listening and its handle. Imports no parser
// (no yaml, no flows-file reader): the simulator's thread is handed flows the harness already parsed
// (start.ts), which spares each run's thread about 100 ms of CPU (BENCHMARKS.md).
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors/config-error.js';
import { applyFaultFlags } from './faults.js';
import type { FlowsConfig } from './flows.js';
import type { KeptRun } from './run-store.js';
import { createSimulatorServer, type SimulatorCounts } from './server.js';
import type { WarmUpOptions } from './warm-up.js';

export interface SimulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: the bundled suites/demo.flows.yaml. */
  flowsFile?: string;
  /** Overrides the flows file's seed. */
  seed?: number;
  /** When set, the only accepted token; else any non-empty token is accepted. */
  token?: string;
  /** Runs kept for metadata and feedback, oldest dropped first (default 200,000). */
  maxRuns?: number;
  /** Fault keys (as in a flows YAML, e.g. http_429_rate: 0.2) applied to every version of every flow. */
  faults?: Record<string, number | boolean | string>;
  /** `flowbench simulate` only: warm up before saying where it listens (default true; see warm-up.ts). */
  warmUp?: boolean | WarmUpOptions;
}

export interface SimulatorHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The in-process simulator also lets tests read what it kept. */
export interface LocalSimulatorHandle extends SimulatorHandle {
  /** Absolute path of the flows file served. */
  flowsFile: string;
  flowIds: string[];
  /** Every feedback posted for a run, in order ([] for an unknown run). */
  feedback(runId: string): string[];
  run(runId: string): KeptRun | undefined;
  /** Requests received so far, and flow runs per flow id (a copy). */
  counts(): SimulatorCounts;
}

/** Messages from the simulator thread to its parent. */
export type SimThreadMessage =
  | { type: 'listening'; url: string; port: number }
  | { type: 'closed' }
  | { type: 'error'; message: string; config?: { file?: string; line?: number; column?: number; hint?: string } };

/** Serves `config` (flows parsed by loadFlows) with the options' faults, host, port and token, once it listens. */
export async function serveFlows(config: FlowsConfig, opts: SimulatorOptions = {}): Promise<LocalSimulatorHandle> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.faults && Object.keys(opts.faults).length) applyFaultFlags(config, opts.faults);
  const { server, store, counts } = createSimulatorServer({ config, token: opts.token, ...(opts.maxRuns !== undefined && { maxRuns: opts.maxRuns }) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        reject(new ConfigError(`cannot listen on ${host}:${opts.port ?? 0}: ${err.code}`, {}, 'choose another --port (0 picks a free one) or another --host'));
      } else reject(err);
    });
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    flowsFile: config.file,
    flowIds: [...config.flows.keys()],
    feedback: (runId) => [...(store.get(runId)?.feedback ?? [])],
    run: (runId) => store.get(runId),
    counts: () => ({ requests: counts.requests, flowRuns: { ...counts.flowRuns } }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
