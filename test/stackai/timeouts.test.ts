// The client's first-byte and idle limits beside the total: each fires on its own, names itself, and keeps partial output.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackAIClient } from '../../src/stackai/client.js';
import type { InvokeRequest } from '../../src/stackai/types.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const frame = (over: Record<string, unknown> = {}) =>
  `${JSON.stringify({ outputs: {}, run_id: 'r1', metadata: {}, progress_data: null, state: null, pause: null, error: null, ...over })}\n`;

let server: Server;
let client: StackAIClient;
let handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void handler(req, res).catch(() => res.destroy()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new StackAIClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: 'timeouts-test-token',
    connections: 4,
    connectTimeoutMs: 2000,
  });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  server.close();
});

const req = (over: Partial<InvokeRequest> = {}): InvokeRequest => ({
  mode: 'stream',
  orgId: 'o',
  flowId: 'f',
  inputs: { 'in-0': 'x' },
  stream: { sse: false, delta: true, prefix: false },
  timeoutMs: 5000,
  ...over,
});

describe('client timeouts', () => {
  it('first byte: no response headers in time is a timeout that names the limit', async () => {
    handler = async (_q, res) => {
      await sleep(1500);
      if (!res.destroyed) res.end();
    };
    const t0 = performance.now();
    const o = await client.invoke(req({ firstByteTimeoutMs: 200, idleTimeoutMs: 1000 }));
    expect(performance.now() - t0).toBeLessThan(1200);
    expect(o.ok).toBe(false);
    expect(o.error).toMatchObject({ kind: 'timeout', status: null });
    expect(o.error!.message).toMatch(/no response headers within 200 ms \(first_byte_timeout\)/);
  });

  it('idle: a stream that goes quiet after content is a timeout; the partial output is kept', async () => {
    handler = async (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(frame({ outputs: { 'out-0': 'Hello' } }));
      await sleep(1500);
      if (!res.destroyed) res.end(frame({ state: 'COMPLETED' }));
    };
    const o = await client.invoke(req({ firstByteTimeoutMs: 1000, idleTimeoutMs: 250 }));
    expect(o.error).toMatchObject({ kind: 'timeout', status: 200 });
    expect(o.error!.message).toMatch(/nothing received for 250 ms .*\(idle_timeout\)/);
    expect(o.outputs['out-0']).toBe('Hello');
    expect(o.contentFrameAt).toHaveLength(1);
  });

  it('idle: keep-alive lines keep a slow stream alive', async () => {
    handler = async (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (let i = 0; i < 6; i++) {
        res.write('\n');
        await sleep(100);
      }
      res.end(frame({ outputs: { 'out-0': 'late' }, state: 'COMPLETED' }));
    };
    const o = await client.invoke(req({ idleTimeoutMs: 400 }));
    expect(o.error).toBeNull();
    expect(o.outputs['out-0']).toBe('late');
  });

  it('idle: the limit counts from the last line, however many came before', async () => {
    handler = async (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (let i = 0; i < 5; i++) {
        res.write(frame({ outputs: { 'out-0': `w${i} ` } }));
        await sleep(100);
      }
      await sleep(2000); // then silence
      if (!res.destroyed) res.end();
    };
    const t0 = performance.now();
    const o = await client.invoke(req({ idleTimeoutMs: 300 }));
    const took = performance.now() - t0;
    expect(o.error?.message).toMatch(/nothing received for 300 ms .*\(idle_timeout\)/);
    expect(o.outputs['out-0']).toBe('w0 w1 w2 w3 w4 ');
    // The last line came at ~400 ms: the limit fires ~300 ms after it, not 300 ms after the first.
    expect(took).toBeGreaterThanOrEqual(680);
    expect(took).toBeLessThan(1500);
  });

  it('run mode: the headers come with the whole answer, so only the total bounds them', async () => {
    handler = async (_q, res) => {
      await sleep(300);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ outputs: { 'out-0': 'done' }, run_id: 'r', state: 'COMPLETED', pause: null, error: null }));
    };
    const o = await client.invoke(req({ mode: 'run', firstByteTimeoutMs: 50, idleTimeoutMs: 50 }));
    expect(o.ok).toBe(true);
  });

  it('connect: a TLS handshake that never completes is a connect error within connect_timeout (retried like one)', async () => {
    // Accepts TCP, never speaks TLS: only the connect limit (which covers the handshake) can end this early.
    const mute = createNetServer(() => {});
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const c = new StackAIClient({
      baseUrl: `https://127.0.0.1:${(mute.address() as AddressInfo).port}`,
      token: 'timeouts-test-token',
      connections: 1,
      connectTimeoutMs: 300,
    });
    try {
      const t0 = performance.now();
      const o = await c.invoke(req({ timeoutMs: 5000 }));
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(o.error).toMatchObject({ kind: 'connect', status: null });
      expect(o.error!.message).toMatch(/UND_ERR_CONNECT_TIMEOUT/);
    } finally {
      await c.close().catch(() => {});
      mute.close();
    }
  });

  it('the total still caps a stream that trickles on', async () => {
    handler = async (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (let i = 0; i < 40 && !res.destroyed; i++) {
        res.write(frame({ outputs: { 'out-0': '.' } }));
        await sleep(50);
      }
      if (!res.destroyed) res.end();
    };
    const o = await client.invoke(req({ timeoutMs: 400, idleTimeoutMs: 300 }));
    expect(o.error).toMatchObject({ kind: 'timeout' });
    expect(o.error!.message).toMatch(/no complete answer within 400 ms \(timeout; reading the body\)/);
  });
});
