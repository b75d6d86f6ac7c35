// The token thread itself (see token-thread.ts): serves every port it is handed, counting each batch of
// texts with the o200k tokenizer, at the lowest CPU priority so it takes only the cores the timing
// threads leave. It watches its own event loop like every other thread of a run.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { lowerThreadPriority } from '../harness/thread-priority.js';
import { startThreadWatch } from '../harness/thread-watch.js';
import type { FromTokenThread, TokenThreadControl, TokenThreadData, TokenThreadReport, ToTokenThread } from './token-thread.js';
import { loadTokenCounter } from './tokenizer.js';

const data = workerData as TokenThreadData;
lowerThreadPriority();
if (data.preload) await loadTokenCounter();
const watch = startThreadWatch({ role: 'tokens', stallMs: data.stallMs });

function serve(port: MessagePort): void {
  port.on('message', (m: ToTokenThread) => {
    void loadTokenCounter().then((count) => port.postMessage({ seq: m.seq, counts: m.texts.map(count) } satisfies FromTokenThread));
  });
}

const report = (m: TokenThreadReport) => parentPort!.postMessage(m);
parentPort!.on('message', (m: TokenThreadControl) => {
  if (m.type === 'port') serve(m.port);
  else {
    watch.stop();
    report({ type: 'closed', watch: watch.snapshot() });
  }
});
report({ type: 'ready' });
