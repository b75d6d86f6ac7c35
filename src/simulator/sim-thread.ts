// Worker-thread entry: runs the simulator off the main thread and reports its URL to the parent.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../suite/config-error.js';
import { startSimulator, type SimThreadMessage, type SimulatorOptions } from './start.js';

const post = (msg: SimThreadMessage): void => parentPort!.postMessage(msg);

startSimulator(workerData as SimulatorOptions).then(
  (handle) => post({ type: 'listening', url: handle.url, port: handle.port }),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      const config = {
        ...(err.file !== undefined && { file: err.file }),
        ...(err.line !== undefined && { line: err.line }),
        ...(err.column !== undefined && { column: err.column }),
        ...(err.hint !== undefined && { hint: err.hint }),
      };
      post({ type: 'error', message: err.message, config });
    } else post({ type: 'error', message: (err as Error).message ?? String(err) });
  },
);
