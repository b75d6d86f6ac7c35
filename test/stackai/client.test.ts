import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StackAIClient } from '../../src/stackai/client.js';
import type { InvokeOutcome, InvokeRequest } from '../../src/stackai/types.js';

// A token with characters that URL-encoding changes, so both forms can be looked for.
const CANARY = 'CANARY-t0k/en?&= x';
const CANARY_FORMS = [CANARY, encodeURIComponent(CANARY), new URLSearchParams({ t: CANARY }).toString().slice(2), 'CANARY'];

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

let server: Server;
let baseUrl: string;
let client: StackAIClient;
let handler: Handler = (_req, res) => {
  res.end();
};
let seen: Seen[] = [];
let connections = 0;
const outcomes: unknown[] = [];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const frame = (over: Record<string, unknown> = {}) =>
  `${JSON.stringify({ outputs: {}, run_id: 'r1', metadata: {}, progress_data: { total_nodes: 3, completed_nodes: 0 }, state: null, pause: null, error: null, ...over })}\n`;
const content = (text: string) => frame({ outputs: { 'out-0': text } });
const completed = () => frame({ state: 'COMPLETED' });

/** Sends headers at once, then each string as its own write; a number waits that many ms (frames arrive apart). */
async function stream(res: ServerResponse, parts: Array<string | Buffer | number>, end = true): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.flushHeaders();
  for (const p of parts) {
    if (typeof p === 'number') await sleep(p);
    else {
      res.write(p);
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (end) res.end();
}

function req(over: Partial<InvokeRequest> = {}): InvokeRequest {
  return {
    mode: 'stream',
    orgId: 'org-1',
    flowId: 'flow-1',
    inputs: { 'in-0': 'hi', n: 3, stream: true },
    stream: { sse: false, delta: true, prefix: false },
    timeoutMs: 5000,
    ...over,
  };
}

async function invoke(r: InvokeRequest, c: StackAIClient = client): Promise<InvokeOutcome> {
  const o = await c.invoke(r);
  outcomes.push(o);
  return o;
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof value === 'string' ? value : JSON.stringify(value));
}

const runBody = (over: Record<string, unknown> = {}) => ({
  outputs: { 'out-0': 'Hello there' },
  citations: null,
  run_id: 'run-9',
  metadata: null,
  progress_data: null,
  state: 'COMPLETED',
  pause: null,
  error: null,
  ...over,
});

beforeAll(async () => {
  server = createServer((r, res) => {
    let body = '';
    r.setEncoding('utf8');
    r.on('data', (d: string) => (body += d));
    r.on('end', () => {
      seen.push({ method: r.method ?? '', url: r.url ?? '', headers: r.headers, body });
      void handler(r, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new StackAIClient({ baseUrl, token: CANARY, connections: 4 });
});

afterEach(() => {
  seen = [];
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('run mode', () => {
  it('succeeds on 200 COMPLETED', async () => {
    handler = (_r, res) => json(res, 200, runBody());
    const o = await invoke(req({ mode: 'run', version: -1 }));
    expect(o).toMatchObject({ ok: true, status: 200, runId: 'run-9', outputs: { 'out-0': 'Hello there' }, error: null, frames: 1, contentFrameAt: [] });
    expect(o.firstByteAt).not.toBeNull();
    expect(o.sentAt).toBeLessThanOrEqual(o.firstByteAt!);
    expect(o.firstByteAt!).toBeLessThanOrEqual(o.endAt);
    expect(seen[0]!.method).toBe('POST');
    expect(JSON.parse(seen[0]!.body)).toEqual({ 'in-0': 'hi', n: 3, stream: true });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
  });

  it('fails on 200 with state FAILED and an error, keeping outputs', async () => {
    handler = (_r, res) => json(res, 200, runBody({ state: 'FAILED', error: 'LLM node exploded' }));
    const o = await invoke(req({ mode: 'run' }));
    expect(o).toMatchObject({ ok: false, status: 200, runId: 'run-9', outputs: { 'out-0': 'Hello there' } });
    expect(o.error).toEqual({ kind: 'flow_error', message: 'flow state FAILED: LLM node exploded', status: 200 });
  });

  it('fails on 200 with an unparsable body as protocol', async () => {
    handler = (_r, res) => json(res, 200, '<html>maintenance</html>');
    expect((await invoke(req({ mode: 'run' }))).error?.kind).toBe('protocol');
  });

  it.each([
    [401, { detail: 'Invalid API key' }, 'http_401', 'HTTP 401: Invalid API key'],
    [403, { detail: 'Forbidden' }, 'http_403', 'HTTP 403: Forbidden'],
    [404, { detail: 'Flow not found' }, 'http_404', 'HTTP 404: Flow not found'],
    [
      422,
      { detail: [{ loc: ['query', 'version'], msg: 'value is not a valid integer', type: 'type_error.integer' }] },
      'http_422',
      'HTTP 422: query.version: value is not a valid integer',
    ],
    [429, { detail: 'Slow down' }, 'http_429', 'HTTP 429: Slow down'],
    [500, 'Internal Server Error', 'http_5xx', 'HTTP 500: Internal Server Error'],
    [502, '<html><body>Bad Gateway</body></html>', 'http_5xx', 'HTTP 502: <html><body>Bad Gateway</body></html>'],
  ])('classifies HTTP %i', async (status, body, kind, message) => {
    handler = (_r, res) => json(res, status, body);
    for (const mode of ['run', 'stream'] as const) {
      const o = await invoke(req({ mode }));
      expect(o).toMatchObject({ ok: false, status, error: { kind, message, status } });
    }
  });

  it('reports Retry-After on 429', async () => {
    handler = (_r, res) => json(res, 429, { detail: 'rate limited' }, { 'retry-after': '3' });
    const o = await invoke(req({ mode: 'run' }));
    expect(o.error?.kind).toBe('http_429');
    expect(o.retryAfterMs).toBe(3000);
  });

  it('reuses one socket across successes and error statuses', async () => {
    const before = connections;
    let i = 0;
    handler = (_r, res) => (i++ % 2 === 0 ? json(res, 200, runBody()) : json(res, 500, 'x'.repeat(10_000)));
    for (let k = 0; k < 6; k++) await invoke(req({ mode: 'run' }));
    handler = (_r, res) => void stream(res, [content('a'), completed()]);
    for (let k = 0; k < 3; k++) expect((await invoke(req())).ok).toBe(true);
    expect(connections - before).toBeLessThanOrEqual(1);
  });
});

describe('stream mode', () => {
  it('assembles frames that arrive apart, timestamping each content frame', async () => {
    handler = (_r, res) => void stream(res, [frame(), content('Open'), 20, content(' AI'), 20, content(' AI'), completed()]);
    const o = await invoke(req());
    expect(o).toMatchObject({ ok: true, status: 200, runId: 'r1', outputs: { 'out-0': 'Open AI AI' }, frames: 5, error: null });
    expect(o.contentFrameAt).toHaveLength(3);
    expect(o.contentFrameAt[2]! - o.contentFrameAt[0]!).toBeGreaterThanOrEqual(30);
    expect(o.endAt).toBeGreaterThanOrEqual(o.contentFrameAt[2]!);
  });

  it('decodes SSE events, sent byte by byte across writes', async () => {
    const body = [frame(), content('ça'), content(' 日本'), completed()].map((f) => `data: ${f}\n`).join('');
    handler = (_r, res) => void stream(res, splitBytes(body, 7));
    const o = await invoke(req({ stream: { sse: true, delta: true, prefix: false } }));
    expect(o).toMatchObject({ ok: true, outputs: { 'out-0': 'ça 日本' } });
    expect(o.contentFrameAt).toHaveLength(2);
  });

  it('separates TTFB from TTFT when progress frames come first for 300 ms', async () => {
    const parts: Array<string | Buffer | number> = [];
    for (let i = 0; i < 6; i++) parts.push(frame({ progress_data: { total_nodes: 3, started_nodes: 1, completed_nodes: 0, tick: i } }), 60);
    handler = (_r, res) => void stream(res, [...parts, content('first'), completed()]);
    const o = await invoke(req());
    expect(o.ok).toBe(true);
    const ttft = o.contentFrameAt[0]! - o.sentAt;
    const ttfb = o.firstByteAt! - o.sentAt;
    expect(ttft).toBeGreaterThanOrEqual(300);
    expect(ttfb).toBeLessThan(ttft / 2);
  });

  it('reports EOF before COMPLETED as incomplete_stream with the partial output', async () => {
    handler = (_r, res) => void stream(res, [content('half')]);
    const o = await invoke(req());
    expect(o).toMatchObject({ ok: false, status: 200, outputs: { 'out-0': 'half' }, error: { kind: 'incomplete_stream', status: 200 } });
  });

  it('reports a socket destroyed mid-stream as reset, keeping the partial output', async () => {
    // A broken connection is `reset` (the transport failed); `incomplete_stream` is kept for a clean EOF.
    handler = async (_r, res) => {
      await stream(res, [content('par'), content('tial')], false);
      await sleep(20);
      res.socket?.destroy();
    };
    const o = await invoke(req());
    expect(o).toMatchObject({ ok: false, status: 200, outputs: { 'out-0': 'partial' }, error: { kind: 'reset', status: 200 } });
    expect(o.contentFrameAt).toHaveLength(2);
  });

  it('enforces the total timeout while the body trickles, keeping the partial output', async () => {
    handler = (_r, res) => void stream(res, [content('slow'), 50, frame(), 50, frame(), 5000]);
    const o = await invoke(req({ timeoutMs: 400 }));
    expect(o).toMatchObject({ ok: false, outputs: { 'out-0': 'slow' }, error: { kind: 'timeout', status: 200 } });
    // The 400 ms run from the call, a little before sentAt is stamped (389 ms from sentAt was seen in a full
    // suite run): well past the last frame at 100 ms, well before the next at 5.1 s.
    expect(o.endAt - o.sentAt).toBeGreaterThanOrEqual(300);
    expect(o.endAt - o.sentAt).toBeLessThan(4000);
  });

  it('enforces the total timeout before the headers', async () => {
    handler = () => undefined; // never answers
    const o = await invoke(req({ mode: 'run', timeoutMs: 300 }));
    expect(o).toMatchObject({ ok: false, status: null, firstByteAt: null, error: { kind: 'timeout', status: null } });
  });

  it('stops at COMPLETED even if the server keeps the body open', async () => {
    handler = (_r, res) => void stream(res, [content('done'), completed(), 10_000], false);
    const o = await invoke(req({ timeoutMs: 8000 }));
    expect(o).toMatchObject({ ok: true, outputs: { 'out-0': 'done' } });
    expect(o.endAt - o.sentAt).toBeLessThan(1000);
  }, 10_000);

  it('reports a flow error frame with the partial output', async () => {
    handler = (_r, res) => void stream(res, [content('abc'), frame({ error: 'node failed' })]);
    const o = await invoke(req());
    expect(o).toMatchObject({ ok: false, outputs: { 'out-0': 'abc' }, error: { kind: 'flow_error', status: 200 } });
    expect(o.error?.message).toContain('node failed');
  });
});

/** Cuts the UTF-8 bytes into fixed-size pieces, so a write can end inside a multi-byte character. */
function splitBytes(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts;
}

describe('wire format', () => {
  it('sends the stream query exactly, with Bearer auth', async () => {
    handler = (_r, res) => void stream(res, [completed()]);
    await invoke(req({ version: 7, runDraft: true, verbose: true, stream: { sse: true, delta: false, prefix: true } }));
    expect(seen[0]!.url).toBe('/inference/v0/stream/org-1/flow-1?version=7&prefix=true&delta=false&sse=true&verbose=true&run_draft=true');
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it('sends the run query with only what is defined', async () => {
    handler = (_r, res) => json(res, 200, runBody());
    await invoke(req({ mode: 'run' }));
    await invoke(req({ mode: 'run', version: -1, verbose: false, orgId: 'o/1' }));
    expect(seen.map((s) => s.url)).toEqual(['/inference/v0/run/org-1/flow-1', '/inference/v0/run/o%2F1/flow-1?version=-1&verbose=false']);
  });

  it('sso-stream puts the token in the query and not in a header', async () => {
    handler = (_r, res) => void stream(res, [completed()]);
    const o = await invoke(req({ mode: 'sso-stream', version: 2 }));
    expect(o.ok).toBe(true);
    const url = new URL(seen[0]!.url, baseUrl);
    expect(url.pathname).toBe('/inference/v0/sso/stream/org-1/flow-1');
    expect(Object.fromEntries(url.searchParams)).toEqual({ version: '2', prefix: 'false', delta: 'true', sse: 'false', run_draft: 'false', token: CANARY });
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('redacts the token when the server echoes it in an error', async () => {
    handler = (r, res) => json(res, 422, { detail: [{ loc: ['query', 'token'], msg: `bad token ${r.url}`, type: 'value_error' }] });
    const o = await invoke(req({ mode: 'sso-stream' }));
    expect(o.error?.kind).toBe('http_422');
    expect(o.error?.message).toContain('token=***');
  });
});

describe('extra headers', () => {
  const KEY = 'fixed-key-Zq81x';
  const ROW_SECRET = 'row-secret-7Hq2p';

  it("sends fixed and row headers, flowbench's own winning, and redacts secret-looking values the server echoes", async () => {
    const c = new StackAIClient({ baseUrl, token: CANARY, connections: 1, headers: { 'x-team': 'search', 'x-api-key': KEY } });
    try {
      handler = (r, res) =>
        json(res, 500, { detail: `gateway saw ${String(r.headers['x-api-key'])} / ${String(r.headers['x-user-token'])} / ${String(r.headers['x-tenant'])}` });
      const o = await invoke(req({ mode: 'run', headers: { 'x-user-token': `Bearer ${ROW_SECRET}`, 'x-tenant': 'acme', authorization: 'row tried' } }), c);
      expect(seen[0]!.headers).toMatchObject({
        'x-team': 'search',
        'x-api-key': KEY,
        'x-user-token': `Bearer ${ROW_SECRET}`,
        'x-tenant': 'acme',
        authorization: `Bearer ${CANARY}`,
      });
      expect(o.error?.message).toBe('HTTP 500: gateway saw *** / *** / acme');

      // The row's headers go with that run's metadata fetch too; the values a caller names are redacted as well.
      handler = (r, res) => json(res, 404, { detail: `no run for ${String(r.headers['x-tenant'])}` });
      const m = await c.getMetadata('org-1', 'flow-1', 'r', 2000, { headers: { 'x-tenant': 'acme-tenant' }, secrets: ['acme-tenant'] });
      expect(seen[1]!.headers['x-tenant']).toBe('acme-tenant');
      expect(m).toEqual({ ok: false, error: { kind: 'http_404', message: 'HTTP 404: no run for ***', status: 404 } });
    } finally {
      await c.close();
    }
  });

  it('a row header value undici would refuse fails that request as protocol, unsent, without the value', async () => {
    handler = (_r, res) => json(res, 200, runBody());
    const o = await invoke(req({ mode: 'run', headers: { 'x-api-key': `${ROW_SECRET}\r\nx-evil: 1` } }));
    expect(o.ok).toBe(false);
    expect(o.error).toEqual({
      kind: 'protocol',
      message: 'header x-api-key: value contains a carriage return (CR) at character 17: not sent (a header value is one line of Latin-1 text)',
      status: null,
    });
    expect(seen).toEqual([]);
    const m = await client.getMetadata('org-1', 'flow-1', 'r', 2000, { headers: { 'x-tenant': 'a\nb' } });
    expect(m.ok).toBe(false);
    expect(seen).toEqual([]);
  });
});

describe('metadata and feedback', () => {
  it('GETs metadata by run id', async () => {
    const metadata = { latency: 1.2, total_tokens: 42, llm_usage: [{ model_id: 'gpt', input_tokens: 30, output_tokens: 12 }] };
    handler = (_r, res) => json(res, 200, metadata);
    const m = await client.getMetadata('org-1', 'flow-1', 'run 9', 2000);
    expect(m).toEqual({ ok: true, metadata });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/inference/v0/run/org-1/flow-1/metadata?run_id=run+9' });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it('classifies a metadata 404', async () => {
    handler = (_r, res) => json(res, 404, { detail: 'Run not found' });
    const m = await client.getMetadata('org-1', 'flow-1', 'nope', 2000);
    outcomes.push(m);
    expect(m).toEqual({ ok: false, error: { kind: 'http_404', message: 'HTTP 404: Run not found', status: 404 } });
  });

  it('POSTs feedback and reads the string → integer answer', async () => {
    handler = (_r, res) => json(res, 200, { updated: 1 });
    const f = await client.postFeedback('org-1', 'flow-1', 'run-9', 'PASS score=1', 2000);
    expect(f).toEqual({ ok: true, response: { updated: 1 } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/inference/v0/feedback/org-1/flow-1' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ run_id: 'run-9', feedback: 'PASS score=1' });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it('times out a metadata call that never answers', async () => {
    handler = () => undefined;
    const m = await client.getMetadata('org-1', 'flow-1', 'r', 200);
    outcomes.push(m);
    expect(m.ok ? null : m.error.kind).toBe('timeout');
  });
});

describe('unreachable server and secrets', () => {
  let deadUrl: string;
  beforeAll(async () => {
    const tmp = createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    deadUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}`;
    await new Promise<void>((r) => tmp.close(() => r()));
  });

  it.each(['run', 'stream', 'sso-stream'] as const)('%s to a closed port is connect, without the token', async (mode) => {
    const dead = new StackAIClient({ baseUrl: deadUrl, token: CANARY, connections: 1 });
    try {
      const o = await invoke(req({ mode }), dead);
      expect(o).toMatchObject({ ok: false, status: null, firstByteAt: null, error: { kind: 'connect', status: null } });
      const m = await dead.getMetadata('o', 'f', 'r', 1000);
      const f = await dead.postFeedback('o', 'f', 'r', 'x', 1000);
      outcomes.push(m, f);
      expect(m.ok || f.ok).toBe(false);
    } finally {
      await dead.close();
    }
  });

  it('a malformed base URL is an outcome, not a throw', async () => {
    const bad = new StackAIClient({ baseUrl: `not a url ${CANARY}`, token: CANARY, connections: 1 });
    const o = await invoke(req(), bad);
    expect(o.error?.kind).toBe('connect');
    await bad.close();
  });

  it('no outcome or error ever contained the token, raw or encoded', () => {
    expect(outcomes.length).toBeGreaterThan(20);
    const text = JSON.stringify(outcomes);
    for (const form of CANARY_FORMS) expect(text).not.toContain(form);
  });
});
