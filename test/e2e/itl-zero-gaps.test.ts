// ITL keeps the 0 ms gaps: a server that sends two content frames in one write (one TCP chunk) gives
// a 0 ms inter-token gap, and the report's ITL minimum is 0, not the smallest non-zero gap.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, readJsonl, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';

warmRunsInThisFile(); // its assertions are timings

let server: Server;
let baseUrl: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const frame = (runId: string, text: string, state: string | null) =>
  `${JSON.stringify({ outputs: text ? { 'out-0': text } : {}, run_id: runId, metadata: {}, progress_data: null, state, error: null })}\n`;

beforeAll(async () => {
  let n = 0;
  server = createServer(async (req, res) => {
    for await (const _ of req); // the body is not needed
    const id = `run-${++n}`;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    // Frames 1 and 2 in one chunk (a 0 ms gap), then 3 and 4 each 100 ms later.
    res.write(frame(id, 'one', null) + frame(id, ' two', null));
    await sleep(100);
    res.write(frame(id, ' three', null));
    await sleep(100);
    res.write(frame(id, ' four', null));
    res.end(frame(id, '', 'COMPLETED'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('inter-token latency', () => {
  it('counts frames that arrived in one chunk as a 0 ms gap, and reports min 0', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), 'q\na\nb\nc\n');
    const file = join(dir, 'suite.yaml');
    writeFileSync(
      file,
      `name: itl
target: { base_url: ${baseUrl}, org_id: o, flow_id: f, token: test-token }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: stream
stream: { sse: false, delta: true }
variants: [{ name: v }]
load: { concurrency: 1 }
`,
    );
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const results = readJsonl<{ output: string; timestamps: { contentFrames: number[] } }>(join(dir, 'out/results.jsonl'));
    expect(results).toHaveLength(3);
    for (const x of results) {
      expect(x.output).toBe('one two three four');
      const f = x.timestamps.contentFrames;
      expect(f).toHaveLength(4);
      expect(f[1]! - f[0]!).toBe(0); // the same chunk: the same arrival time
    }
    // Chunks sent apart arrive apart: the last is sent 200 ms after the first. A client held while the
    // first chunk waits reads the later ones together (on a busy CI machine: 0.08 ms apart when 20 ms
    // apart were sent), so this holds for the least held of the three requests, not for each.
    const spans = results.map((x) => x.timestamps.contentFrames[3]! - x.timestamps.contentFrames[1]!);
    expect(Math.max(...spans)).toBeGreaterThanOrEqual(100);
    const v = readJson<{ variants: Array<{ itlMs: { count: number; min: number } }> }>(join(dir, 'out/report.json')).variants[0]!;
    expect(v.itlMs.count).toBe(3 * 3);
    expect(v.itlMs.min).toBe(0);
  });
});
