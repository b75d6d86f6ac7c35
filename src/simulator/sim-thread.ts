// Worker-thread entry: runs the simulator off the main thread and reports its URL to the parent. The
// flows come parsed (start.ts): this thread loads no parser. A run's close stops its server (every
// connection closed), not the thread: the process's next run may serve its flows here (start.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../errors/config-error.js';
import { serveFlows, type LocalSimulatorHandle, type SimThreadMessage } from './serve.js';
import type { SimThreadControl, SimThreadData } from './start.js';
import { warmUp } from './warm-up.js';

const post = (msg: SimThreadMessage): void => parentPort!.postMessage(msg);
let serving: Promise<LocalSimulatorHandle | null> = Promise.resolve(null);

// The embedded simulator warms its request path briefly before it says where it listens (its private
// warm-up server leaves the real one's seeded sequences untouched), so a run's first wave is not the
// simulator compiling its handler.
function serve({ config, opts, warmUp: warm }: SimThreadData): Promise<LocalSimulatorHandle | null> {
  return serveFlows(config, opts).then(
    async (handle) => {
      if (warm) await warmUp({ requests: 400, connections: 16, timeoutMs: 2000 }).catch(() => 0);
      post({ type: 'listening', url: handle.url, port: handle.port });
      return handle;
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
      return null;
    },
  );
}

parentPort!.on('message', (m: SimThreadControl) => {
  if (m.type === 'serve') serving = serve(m.data);
  else void serving.then((h) => h?.close()).then(() => post({ type: 'closed' }));
});
serving = serve(workerData as SimThreadData);
