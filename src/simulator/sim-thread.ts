// Worker-thread entry: runs the simulator off the main thread and reports its URL to the parent. The
// flows come parsed (start.ts): this thread loads no parser.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../errors/config-error.js';
import { serveFlows, type SimThreadMessage } from './serve.js';
import type { SimThreadData } from './start.js';
import { warmUp } from './warm-up.js';
import { warmUpWanted } from '../harness/warm-up-wanted.js';

const post = (msg: SimThreadMessage): void => parentPort!.postMessage(msg);

// The embedded simulator warms its request path briefly before it says where it listens (its private
// warm-up server leaves the real one's seeded sequences untouched), so a run's first wave is not the
// simulator compiling its handler.
const { config, opts } = workerData as SimThreadData;
serveFlows(config, opts).then(
  async (handle) => {
    if (warmUpWanted()) await warmUp({ requests: 400, connections: 16, timeoutMs: 2000 }).catch(() => 0);
    post({ type: 'listening', url: handle.url, port: handle.port });
  },
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
