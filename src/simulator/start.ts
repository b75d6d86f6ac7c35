// Starts the simulator: in-process, in a worker thread (off the harness's main thread), or for the CLI.
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors/config-error.js';
import { applyFaultFlags } from './faults.js';
import { loadFlows } from './flows.js';
import type { KeptRun } from './run-store.js';
import { createSimulatorServer, type SimulatorCounts } from './server.js';
import { warmUp, type WarmUpOptions } from './warm-up.js';

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
  | { type: 'error'; message: string; config?: { file?: string; line?: number; column?: number; hint?: string } };

/** Resolved from this module's file so it works from src/ (vitest) and from dist/. */
export const DEFAULT_FLOWS_FILE = fileURLToPath(new URL('../../suites/demo.flows.yaml', import.meta.url));
/** Workers load JavaScript: always the built file, also when this module runs from src/. */
const THREAD_FILE = new URL('../../dist/simulator/sim-thread.js', import.meta.url);

export async function startSimulator(opts: SimulatorOptions = {}): Promise<LocalSimulatorHandle> {
  const host = opts.host ?? '127.0.0.1';
  const config = loadFlows(opts.flowsFile ?? DEFAULT_FLOWS_FILE, opts.seed !== undefined ? { seed: opts.seed } : {});
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

/**
 * Runs the simulator in a worker thread and resolves once it listens. The thread loads the
 * built dist/simulator/sim-thread.js: run `npm run build` (tsc) first, in tests too.
 */
export async function startSimulatorThread(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  if (!existsSync(THREAD_FILE)) {
    throw new Error(`simulator thread not built: ${fileURLToPath(THREAD_FILE)} is missing (run \`npm run build\`)`);
  }
  const worker = new Worker(THREAD_FILE, { workerData: opts });
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    worker.once('message', (msg: SimThreadMessage) => {
      if (msg.type === 'listening') return resolve(msg);
      const c = msg.config;
      reject(
        c
          ? new ConfigError(
              msg.message,
              {
                ...(c.file !== undefined && { file: c.file }),
                ...(c.line !== undefined && { line: c.line }),
                ...(c.column !== undefined && { column: c.column }),
              },
              c.hint,
            )
          : new Error(msg.message),
      );
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`simulator thread exited (code ${code}) before listening`)));
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  // A forgotten close() must not keep the process alive.
  worker.unref();
  worker.on('error', () => {});
  return {
    ...ready,
    close: async () => {
      await worker.terminate();
    },
  };
}

/** `flowbench simulate`: starts in-process and prints one line saying where. */
export async function runSimulatorCli(opts: SimulatorOptions = {}): Promise<LocalSimulatorHandle> {
  const handle = await startSimulator(opts);
  // After the flows are loaded (a bad file fails at once) and before anyone is told the address. Only
  // a speed-up: if it cannot run (no 127.0.0.1 to listen on, say), the simulator starts cold.
  if (opts.warmUp !== false) await warmUp(typeof opts.warmUp === 'object' ? opts.warmUp : {}).catch(() => 0);
  const shown = relative(process.cwd(), handle.flowsFile) || handle.flowsFile;
  process.stdout.write(`flowbench simulator listening on ${handle.url} (flows: ${shown}: ${handle.flowIds.join(', ')})\n`);
  const faults = Object.entries(opts.faults ?? {});
  if (faults.length) process.stdout.write(`faults in every flow: ${faults.map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
  return handle;
}
