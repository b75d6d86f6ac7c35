// Warms the standalone simulator up before it says where it listens. A fresh Node process runs its hot
// paths (HTTP parsing, the handler, planning, the frame clock, chunked writes) unoptimized for the first
// thousands of requests, and V8 then compiles them on the same cores: measured on the fidelity benchmark
// (2 cores), the second wave of 1,000 streams still spent 30-44 % of the simulator's CPU compiling, and a
// stream cost 0.3 ms of CPU against 0.12 ms once warm (1,000 streams taken up in ~130 ms instead of ~35 ms).
// So a private server (its own flows and run store: the real one's seeded sequences are untouched) answers
// a few thousand short streams from raw keep-alive sockets first.
import { connect, type AddressInfo, type Socket } from 'node:net';
import { noFaults } from './faults.js';
import type { FlowDef, FlowsConfig, VariantModel } from './flows.js';
import { createSimulatorServer } from './server.js';

export interface WarmUpOptions {
  /** Requests in all (default 3,000: measured enough for V8 to have optimized the request path). */
  requests?: number;
  /** Keep-alive connections they share (default 100). */
  connections?: number;
  /** Gives up (and lets the simulator start anyway) after this long, ms (default 10,000). */
  timeoutMs?: number;
}

export const WARM_TOKEN = 'warm-up';
const TOKEN = WARM_TOKEN;

/** Two flows: one with jitter and a quality draw, one exact (as ttft-500), both with timed frames. */
export function warmConfig(): FlowsConfig {
  const model = (label: string, exact: boolean): VariantModel => ({
    label,
    quality: exact ? 1 : 0.8,
    model: 'warm-up',
    faults: noFaults(),
    latency: { progressMs: 2, progressIntervalMs: 1, ttftMs: 3, tokensPerS: 2000, jitter: exact ? 0 : 0.1, wordsPerFrame: 2 },
  });
  const flow = (id: string, exact: boolean): FlowDef => {
    const v1 = model('v1', exact);
    return {
      id,
      inputKey: 'in-0',
      outputKey: 'out-0',
      answers: { kind: 'echo', wrong: ['Sorry, no.'] },
      versions: new Map([[1, v1]]),
      published: 1,
      draft: { ...v1, label: 'draft' },
    };
  };
  return {
    file: '(warm-up)',
    seed: 1,
    flows: new Map([
      ['warm', flow('warm', false)],
      ['warm-exact', flow('warm-exact', true)],
    ]),
  };
}

/** The i-th warm-up request: mostly JSON Lines streams, some SSE, some run calls. */
function request(i: number): string {
  const path = i % 10 === 9 ? 'run' : 'stream';
  const flow = i % 2 === 0 ? 'warm-exact' : 'warm';
  const query = i % 10 === 8 ? 'version=-1&sse=true' : 'version=-1';
  const body = JSON.stringify({ 'in-0': `warm-up question number ${i} about the order` });
  return `POST /inference/v0/${path}/warm/${flow}?${query} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Whether `buf` holds a whole response: a chunked body's last chunk, or content-length bytes. */
function complete(buf: string): boolean {
  const head = buf.indexOf('\r\n\r\n');
  if (head < 0) return false;
  const headers = buf.slice(0, head).toLowerCase();
  if (headers.includes('transfer-encoding: chunked')) return buf.endsWith('\r\n0\r\n\r\n');
  const m = /content-length: (\d+)/.exec(headers);
  return m !== null && buf.length - head - 4 >= Number(m[1]);
}

/** Resolves with the number of whole responses received (all `requests` unless it timed out). */
export async function warmUp(opts: WarmUpOptions = {}): Promise<number> {
  const total = opts.requests ?? 3000;
  const { server } = createSimulatorServer({ config: warmConfig(), token: TOKEN, maxRuns: 1000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const sockets: Socket[] = [];
  let next = 0;
  let done = 0;
  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.setNoDelay(true);
      socket.setEncoding('latin1');
      let buf = '';
      const send = (): void => {
        if (next >= total) return void socket.end();
        buf = '';
        socket.write(request(next++));
      };
      socket.on('connect', send);
      socket.on('data', (d: string) => {
        buf += d;
        if (!complete(buf)) return;
        done++;
        send();
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.timeoutMs ?? 10_000)));
  await Promise.race([Promise.all(Array.from({ length: opts.connections ?? 100 }, lane)), timeout]);
  clearTimeout(timer);
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return done;
}
