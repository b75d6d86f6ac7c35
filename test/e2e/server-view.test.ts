// The server's view beside the client's, against a tiny StackAI-compatible server sending the exact bytes
// each case needs: a stream the client sees complete while the metadata says FAILED, a stream that ends
// without COMPLETED while the metadata says COMPLETED, and the gap from the metadata's `latency`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, readJsonl, tempDir } from '../helpers/cli.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;
// Counts and files, not timing: the threads start cold.

// Per question: what the stream ends with, and what the metadata says.
const CASES: Record<string, { end: 'COMPLETED' | 'eof'; state: string }> = {
  agree: { end: 'COMPLETED', state: 'COMPLETED' },
  'server-failed': { end: 'COMPLETED', state: 'FAILED' },
  'client-failed': { end: 'eof', state: 'COMPLETED' },
};
const runs = new Map<string, string>();
let server: Server;
let baseUrl: string;

const frame = (runId: string, outputs: Record<string, string>, state: string | null) =>
  `${JSON.stringify({ outputs, citations: null, run_id: runId, metadata: {}, progress_data: null, state, pause: null, error: null })}\n`;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    let body = '';
    for await (const c of req) body += c;
    if (url.pathname.endsWith('/metadata')) {
      const q = runs.get(url.searchParams.get('run_id')!)!;
      const meta = { state: CASES[q]!.state, error: null, latency: 0.02, llm_usage: [{ model_id: 'm', input_tokens: 10, output_tokens: 2 }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(meta));
      return;
    }
    const q = (JSON.parse(body) as { 'in-0': string })['in-0'];
    const runId = `run-${q}`;
    runs.set(runId, q);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(frame(runId, { 'out-0': 'an answer' }, null));
    await new Promise((r) => setTimeout(r, 20));
    if (CASES[q]!.end === 'COMPLETED') res.write(frame(runId, {}, 'COMPLETED'));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('server vs client', () => {
  it('flags each disagreement on success and reports the gap', async () => {
    const dir = tempDir('flowbench-server-view-');
    writeFileSync(join(dir, 'rows.csv'), `question\n${Object.keys(CASES).join('\n')}\n`);
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: server-view\ntarget: { base_url: "${baseUrl}", org_id: o, flow_id: f, token: test-token-server-view }\n` +
        `dataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }\nmetadata: true\nload: { concurrency: 3, retries: 0 }\nmax_error_rate: 1\n` +
        'cost: { prices: { m: { input_per_mtok: 1, output_per_mtok: 5 } } }\n',
    );
    const outcome = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false });
    const byQ = new Map(readJsonl<any>(join(dir, 'out/results.jsonl')).map((r) => [r.inputs['in-0'], r]));
    expect(byQ.get('agree')).toMatchObject({ ok: true, serverLatencyMs: 20 });
    expect(byQ.get('agree').serverMismatch).toBeUndefined();
    expect(byQ.get('server-failed')).toMatchObject({ ok: true, serverMismatch: 'server_failed_client_ok' });
    expect(byQ.get('client-failed')).toMatchObject({ ok: false, serverMismatch: 'server_ok_client_failed' });
    // The failed run's metadata was fetched: its usage is billed and counted.
    expect(byQ.get('client-failed').costUsd).toBeCloseTo((10 * 1 + 2 * 5) / 1e6, 12);
    const v = outcome.report.variants[0]!;
    expect(v.serverVsClient).toMatchObject({ results: 3, serverOkClientFailed: 1, serverFailedClientOk: 1 });
    // The client waited at least the 20 ms the server paused; the server said 20 ms: a gap of a few ms, never negative here.
    const gap = byQ.get('agree').latencyGapMs as number;
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBe(Math.round((byQ.get('agree').timestamps.end - byQ.get('agree').timestamps.sent - 20) * 1000) / 1000);
    expect(v.cost).toMatchObject({ results: 3, unknown: 0, totalUsd: 0.00006 });
  });
});
