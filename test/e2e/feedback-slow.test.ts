// Feedback never holds a load slot: against a tiny StackAI-compatible server whose feedback endpoint
// takes 1 s (and answers 429 to each run's first post), every request is sent long before the first
// post is answered, yet every run gets exactly one feedback, retried, before the report is written.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

const FEEDBACK_MS = 1000;
let server: Server;
let baseUrl: string;
let runs = 0;
const posts = new Map<string, string[]>(); // run id -> texts answered 200
const refusedOnce = new Set<string>();
let firstFeedbackAnsweredAt = Infinity;

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const text = await body(req);
    if (url.pathname.startsWith('/inference/v0/feedback/')) {
      const { run_id: id, feedback } = JSON.parse(text) as { run_id: string; feedback: string };
      if (!refusedOnce.has(id)) {
        refusedOnce.add(id); // a rate limit first: the poster must retry it
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"detail":"slow down"}');
        return;
      }
      await new Promise((r) => setTimeout(r, FEEDBACK_MS));
      posts.set(id, [...(posts.get(id) ?? []), feedback]);
      firstFeedbackAnsweredAt = Math.min(firstFeedbackAnsweredAt, Date.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": 1}');
      return;
    }
    const id = `run-${++runs}`;
    const answer = JSON.parse(text)['in-0'] as string;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        outputs: { 'out-0': answer.includes('even') ? 'yes' : 'no' },
        citations: null,
        run_id: id,
        metadata: null,
        progress_data: null,
        state: 'COMPLETED',
        pause: null,
        error: null,
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('feedback off the load path', () => {
  it('a slow, rate-limited feedback endpoint neither slows the requests nor loses a post', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: 20 }, (_, i) => (i % 2 ? 'odd' : 'even')).join('\n')}\n`);
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: slow-feedback
target: { base_url: ${baseUrl}, org_id: o, flow_id: f, token: test-token }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
load: { concurrency: 2, retries: 2 }
graders: [{ type: equals, value: "yes" }]
feedback: { post: true, when: always, template: "{{verdict}} {{run_id}}" }
`,
    );
    const started = Date.now();
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code).toBe(0);
    const results = readJsonl<any>(join(dir, 'out/results.jsonl'));
    expect(results).toHaveLength(20);
    // Had each post held its slot, 20 requests at 2 in flight would need 10 x 1 s; they were all sent
    // before any post was answered (the first answer comes 1 s after the first request).
    const lastSent = Math.max(...results.map((x) => Date.parse(x.startedAt)));
    expect(lastSent).toBeLessThan(firstFeedbackAnsweredAt);
    expect(lastSent - started).toBeLessThan(FEEDBACK_MS * 5); // generous: CLI start-up and 20 loopback requests; blocking would take 10 s
    for (const x of results) {
      expect(posts.get(x.runId)).toEqual([`${x.pass ? 'PASS' : 'FAIL'} ${x.runId}`]);
      expect(x.feedback).toMatchObject({ posted: true, attempts: 2, error: null });
    }
    expect(readJson<any>(join(dir, 'out/report.json')).variants[0]).toMatchObject({ feedbackPosted: 20, feedbackFailed: 0 });
  });
});
