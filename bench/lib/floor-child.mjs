// The floor under flowbench's overhead figure, in one thread: `undici` is a bare undici Pool loop
// (request, read the body, parse it; nothing measured or kept), `request` is flowbench's own
// executeRequest (timings, error classification, the result record) with no worker thread, results
// file or statistics. Prints, as its last line, JSON with requests/s and CPU time per request.
// Usage: node bench/lib/floor-child.mjs undici|request URL FLOW MODE CONNECTIONS SECONDS TOKEN
import { createRequire } from 'node:module';
import { anchorClock, nowMs } from '../../dist/clock/clock.js';
import { StackAIClient } from '../../dist/stackai/client.js';
import { executeRequest, prepareContext } from '../../dist/worker/execute-request.js';

const [kind, url, flow, mode, connections, seconds, token] = process.argv.slice(2);
const n = Number(connections);
const endAt = Date.now() + Number(seconds) * 1000;
const question = 'question number 1 about the order';
let one;
let close;
if (kind === 'undici') {
  const { Pool } = createRequire(import.meta.url)('undici');
  const pool = new Pool(url, { connections: n, pipelining: 1 });
  const path = `/inference/v0/${mode}/bench/${flow}?version=-1`;
  const headers = { 'content-type': 'application/json', accept: mode === 'run' ? 'application/json' : 'text/event-stream', authorization: `Bearer ${token}` };
  one = async () => {
    const res = await pool.request({ method: 'POST', path, headers, body: JSON.stringify({ 'in-0': question }) });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    if (mode === 'run') JSON.parse(text);
  };
  close = () => pool.close();
} else {
  const client = new StackAIClient({ baseUrl: url, token, connections: n });
  const ctx = prepareContext(
    {
      baseUrl: url,
      orgId: 'bench',
      flowId: flow,
      token,
      mode,
      stream: { sse: true, delta: false, prefix: false },
      output: 'out-0',
      inputs: { 'in-0': '{{q}}' },
      expected: null,
      variants: [{ name: 'published', version: null, runDraft: false }],
      timeoutMs: 60_000,
      retries: 0,
      metadata: { fetch: false, fields: {} },
      feedback: { enabled: false },
      graders: [],
      suiteDir: '.',
      passScore: null,
      connections: n,
      anchor: anchorClock(),
      suiteName: 'floor',
    },
    client,
  );
  one = async () => {
    const r = await executeRequest(ctx, { variant: 0, row: 1, iteration: 0, values: { q: question }, scheduledAt: nowMs() });
    if (!r.ok) throw new Error(r.error.message);
  };
  close = () => client.close();
}
let ok = 0;
const cpu0 = process.cpuUsage();
const t0 = Date.now();
await Promise.all(
  Array.from({ length: n }, async () => {
    while (Date.now() < endAt) {
      await one();
      ok++;
    }
  }),
);
const durationS = (Date.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await close();
process.stdout.write(`${JSON.stringify({ ok, rps: ok / durationS, cpuUs: cpu.user + cpu.system })}\n`);
