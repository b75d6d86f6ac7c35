// Starts the simulator: in-process, in a worker thread (off the harness's main thread), or for the CLI.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors/config-error.js';
import { type FlowsConfig, loadFlows, loadFlowsShared } from './flows.js';
import { type LocalSimulatorHandle, serveFlows, type SimThreadMessage, type SimulatorHandle, type SimulatorOptions } from './serve.js';
import { warmUp } from './warm-up.js';
import { WorkerShelf } from '../harness/thread-shelf.js';
import { warmUpWanted } from '../harness/warm-up-wanted.js';

export type { LocalSimulatorHandle, SimThreadMessage, SimulatorHandle, SimulatorOptions } from './serve.js';

/** Resolved from this module's file so it works from src/ (vitest) and from dist/. */
export const DEFAULT_FLOWS_FILE = fileURLToPath(new URL('../../suites/demo.flows.yaml', import.meta.url));
/** Workers load JavaScript: always the built file, also when this module runs from src/. */
const THREAD_FILE = new URL('../../dist/simulator/sim-thread.js', import.meta.url);

/** What the simulator's thread is started with (sim-thread.ts). */
export interface SimThreadData {
  config: FlowsConfig;
  opts: SimulatorOptions;
  /** Warm the request path before listening (decided here: a kept thread's environment is its first run's). */
  warmUp: boolean;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<LocalSimulatorHandle> {
  return serveFlows(loadFlows(opts.flowsFile ?? DEFAULT_FLOWS_FILE, opts.seed !== undefined ? { seed: opts.seed } : {}), opts);
}

/** What the simulator's thread is told after it started: serve the next run's flows, or stop serving. */
export type SimThreadControl = { type: 'serve'; data: SimThreadData } | { type: 'close' };

/** Threads whose run closed their server cleanly, for the process's next run (harness/thread-shelf.ts). */
const threads = new WorkerShelf(THREAD_FILE);
const isClosed = (m: unknown): m is SimThreadMessage => (m as SimThreadMessage).type === 'closed';

/**
 * Runs the simulator in a worker thread and resolves once it listens. The thread loads the
 * built dist/simulator/sim-thread.js: run `npm run build` (tsc) first, in tests too.
 */
export async function startSimulatorThread(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  if (!existsSync(THREAD_FILE)) {
    throw new Error(`simulator thread not built: ${fileURLToPath(THREAD_FILE)} is missing (run \`npm run build\`)`);
  }
  // Parsed here (a bad file fails here, as a ConfigError with its line), sent as data: the thread then
  // loads no parser. The thread gets its own copy (messages are cloned) and applies the faults to it.
  const config = loadFlowsShared(opts.flowsFile ?? DEFAULT_FLOWS_FILE, opts.seed !== undefined ? { seed: opts.seed } : {});
  const data: SimThreadData = { config, opts, warmUp: warmUpWanted() };
  const worker = threads.start(data, { type: 'serve', data } satisfies SimThreadControl);
  let onExit: (code: number) => void = () => {};
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    worker.once('message', (msg: SimThreadMessage) => {
      if (msg.type === 'listening') return resolve(msg);
      if (msg.type === 'closed') return reject(new Error('simulator thread closed before listening'));
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
    onExit = (code) => reject(new Error(`simulator thread exited (code ${code}) before listening`));
    worker.once('exit', onExit);
  }).catch(async (err: unknown) => {
    await worker.terminate(); // a thread that could not serve is not kept
    throw err;
  });
  worker.off('exit', onExit);
  // Once only: a second close must not reach the thread after another run took it off the shelf.
  let closing: Promise<void> | null = null;
  return {
    ...ready,
    // Its server stops, every connection closed; a thread that said so within 5 s is kept.
    close: () => (closing ??= threads.release(worker, { type: 'close' } satisfies SimThreadControl, isClosed).then(() => {})),
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
