// The token thread itself (see token-thread.ts): serves every port it is handed, counting each batch of
// texts with the o200k tokenizer, at the lowest CPU priority so it takes only the cores the timing
// threads leave. It watches its own event loop like every other thread of a run. A run's close ends its
// ports and its watch, not the thread: the next run in the process may begin on it (tables loaded).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { lowerThreadPriority } from '../harness/thread-priority.js';
import { startThreadWatch, type ThreadWatch } from '../harness/thread-watch.js';
import type { FromTokenThread, TokenThreadControl, TokenThreadData, TokenThreadReport, ToTokenThread } from './token-thread.js';
import { loadTokenCounter } from './tokenizer.js';

lowerThreadPriority();
/** The ports of the run being served: its close closes them (their users then fall back to the estimate). */
const ports = new Set<MessagePort>();
let watch: ThreadWatch | null = null;
/** The latest begin: a close waits for it (the tables may still be loading). */
let begun: Promise<void> = Promise.resolve();
const report = (m: TokenThreadReport) => parentPort!.postMessage(m);

async function begin(data: TokenThreadData): Promise<void> {
  if (data.preload) await loadTokenCounter();
  watch = startThreadWatch({ role: 'tokens', stallMs: data.stallMs });
  report({ type: 'ready' });
}

function serve(port: MessagePort): void {
  ports.add(port);
  port.on('close', () => ports.delete(port));
  port.on('message', (m: ToTokenThread) => {
    void loadTokenCounter().then((count) => port.postMessage({ seq: m.seq, counts: m.texts.map(count) } satisfies FromTokenThread));
  });
}

parentPort!.on('message', (m: TokenThreadControl) => {
  if (m.type === 'port') serve(m.port);
  else if (m.type === 'begin') begun = begin(m.data);
  else void begun.then(close);
});

function close(): void {
  for (const port of ports) port.close();
  ports.clear();
  watch!.stop();
  report({ type: 'closed', watch: watch!.snapshot() });
}
begun = begin(workerData as TokenThreadData);
