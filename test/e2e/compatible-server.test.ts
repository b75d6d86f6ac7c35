// End to end against a tiny StackAI-compatible server that sends exactly the bytes each case needs:
// 300 ms of progress-only frames before any content, then content, then COMPLETED.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, readJsonl, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';

warmRunsInThisFile(); // its assertions are timings

const PIECES = ['Hello', ' world', ' world', ', café 日本', '!\n'];
const TEXT = PIECES.join('');
const TOKEN = 'test-token-e2e';

interface Seen {
  path: string;
  query: URLSearchParams;
  auth: string | undefined;
  body: unknown;
}
const seen: Seen[] = [];
const metadataCalls = new Map<string, number>();
let server: Server;
let baseUrl: string;
let runCounter = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

function frame(runId: string, outputs: Record<string, string>, state: string | null, node = 'Output') {
  return {
    outputs,
    citations: null,
    run_id: runId,
    metadata: {},
    progress_data: { current_node: node, total_nodes: 7, started_nodes: 3, completed_nodes: 2 },
    state,
    pause: null,
    error: null,
  };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const body = await readBody(req);
    seen.push({ path: url.pathname, query: url.searchParams, auth: req.headers.authorization, body: body ? JSON.parse(body) : null });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"bad token"}');
      return;
    }
    if (url.pathname.endsWith('/metadata')) {
      const id = url.searchParams.get('run_id')!;
      metadataCalls.set(id, (metadataCalls.get(id) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ run_id: id, total_tokens: 12, latency: 0.5 }));
      return;
    }
    const sse = url.searchParams.get('sse') === 'true';
    const delta = url.searchParams.get('delta') !== 'false';
    const runId = `run-${++runCounter}`;
    res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/x-ndjson' });
    const send = (f: object) => res.write(sse ? `data: ${JSON.stringify(f)}\n\n` : `${JSON.stringify(f)}\n`);
    const t0 = Date.now();
    while (Date.now() - t0 < 300) {
      send(frame(runId, {}, null, 'LLM'));
      await sleep(50);
    }
    let sofar = '';
    for (const p of PIECES) {
      sofar += p;
      send(frame(runId, { 'out-0': delta ? p : sofar }, null));
      await sleep(10);
    }
    send(frame(runId, {}, 'COMPLETED'));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function writeSuite(dir: string, stream: string): string {
  writeFileSync(join(dir, 'rows.csv'), 'q\none\ntwo\nthree\nfour\n');
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `name: compat
target:
  base_url: ${baseUrl}
  org_id: org-1
  flow_id: flow-1
  token: \${COMPAT_TOKEN}
dataset:
  path: rows.csv
  inputs: { in-0: "{{q}}", count: 3 }
mode: stream
stream: ${stream}
variants:
  - { name: v7, version: 7 }
  - { name: draft, run_draft: true }
load: { concurrency: 4, timeout: 10s }
metadata: true
graders:
  - { type: contains, value: "world world" }
`,
  );
  return file;
}

describe.each([
  ['json lines, delta', '{ sse: false, delta: true }'],
  ['sse, cumulative', '{ sse: true, delta: false }'],
])('against a StackAI-compatible server (%s)', (_name, stream) => {
  it('measures TTFT after the progress-only frames, assembles outputs exactly, sends variant params', async () => {
    const dir = tempDir();
    const before = seen.length;
    const r = await runCli(['run', writeSuite(dir, stream), '--out', join(dir, 'out'), '--no-progress'], { env: { COMPAT_TOKEN: TOKEN } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('v7');
    expect(r.stdout).not.toContain(TOKEN);

    const report = readJson<any>(join(dir, 'out/report.json'));
    expect(report.schemaVersion).toBe(1);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
    expect(report.variants.map((v: any) => v.name)).toEqual(['v7', 'draft']);
    for (const v of report.variants) {
      expect(v.requests).toBe(4);
      expect(v.ok).toBe(4);
      expect(v.ttftMs.p50).toBeGreaterThanOrEqual(300);
      expect(v.ttfbMs.p50).toBeLessThan(v.ttftMs.p50 / 2);
      expect(v.itlMs.count).toBe(4 * (PIECES.length - 1));
      expect(v.grades.passRate).toBe(1);
      expect(v.metadataFetched).toBe(4);
    }
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    expect(results).toHaveLength(8);
    for (const res of results) {
      expect(res.output).toBe(TEXT);
      expect(res.ok).toBe(true);
      expect(res.inputs.count).toBe(3); // non-string inputs pass through as they are
      expect(metadataCalls.get(res.runId)).toBe(1);
    }
    const calls = seen.slice(before).filter((s) => s.path === '/inference/v0/stream/org-1/flow-1');
    expect(calls).toHaveLength(8);
    const v7 = calls.filter((c) => c.query.get('version') === '7');
    const draft = calls.filter((c) => c.query.get('run_draft') === 'true');
    expect(v7).toHaveLength(4);
    expect(draft).toHaveLength(4);
    expect(v7.every((c) => c.query.get('run_draft') !== 'true')).toBe(true);
    expect(draft.every((c) => !c.query.has('version'))).toBe(true);
  });
});
