// End to end: where output and input tokens come from. A tiny server reports `usage.completion_tokens`
// for some runs and nothing for the others: the configured path is used where it is there (and TPOT is
// computed from it), the o200k tokenizer counts the rest, and it does so in the token thread, never on a
// thread that times requests: its CPU time shows in the harness section, apart from the request threads'.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { readJson, readJsonl, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';

warmRunsInThisFile(); // its assertions are timings

const TOKEN = 'tokens-e2e-token';
/** Five content frames 40 ms apart: about 160 ms from the first content to the end. */
const PIECES = ['Your order', ' shipped on Tuesday', ' and arrives', ' on Friday,', ' café crème 日本.'];
const TEXT = PIECES.join('');
const COMPLETION_TOKENS = 17;
const PROMPT_TOKENS = 9;
/** Flow `long`: ~54,000 characters of words the tokenizer has never seen, tens of ms of its CPU per answer. */
let seed = 7;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const word = () => Array.from({ length: 4 + Math.floor(rand() * 6) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
const LONG = Array.from({ length: 8 }, (_, i) => ` ${i}: ${Array.from({ length: 900 }, word).join(' ')}`);

let server: Server;
let baseUrl: string;
let runCounter = 0;
let sim: LocalSimulatorHandle;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    await drain(req);
    const url = new URL(req.url!, 'http://x');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('{}');
    if (url.pathname.endsWith('/metadata')) {
      // Odd runs report usage where an OpenAI-compatible server would; even runs report none at all.
      const n = Number(url.searchParams.get('run_id')!.slice(4));
      const body = n % 2 === 1 ? { usage: { completion_tokens: COMPLETION_TOKENS, prompt_tokens: PROMPT_TOKENS } } : { latency: 0.2 };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    const runId = `run-${++runCounter}`;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const frame = (outputs: Record<string, string>, state: string | null) => ({
      outputs,
      run_id: runId,
      metadata: {},
      progress_data: null,
      state,
      error: null,
    });
    await sleep(20);
    const pieces = url.pathname.includes('/long') ? [PIECES[0]!, ...LONG] : PIECES;
    for (const [i, p] of pieces.entries()) {
      if (i > 0) await sleep(40);
      res.write(`${JSON.stringify(frame({ 'out-0': p }, null))}\n`);
    }
    res.end(`${JSON.stringify(frame({}, 'COMPLETED'))}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim = await startSimulator({ token: TOKEN, seed: 42 });
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await sim.close();
});

async function run(target: string, extra: string, args: string[] = []) {
  const dir = tempDir('flowbench-tokens-');
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: 8 }, (_, i) => `where is my order number ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: tokens
target: { ${target}, org_id: acme, token: "${TOKEN}" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: stream
load: { concurrency: 4, timeout: 10s }
${extra}
`,
  );
  const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress', ...args], { timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { report: readJson<any>(join(dir, 'out/report.json')), results: readJsonl<any>(join(dir, 'out/results.jsonl')) };
}

const o200k = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const tpot = (r: any) => (r.latencyMs - r.ttftMs) / (r.outputTokens.count - 1);
const thread = (report: any, role: string) => report.harness.threads.filter((t: any) => t.role === role);

describe('output and input tokens', () => {
  it.each([
    ['request threads', [], '', false],
    ['--threads 0', ['--threads', '0'], '', false],
    ['graded: the token thread counts for the grading thread', [], 'graders: [{ type: contains, value: order }]', true],
  ])('a configured usage path is used where a run has it, the tokenizer counts the others (%s)', async (_name, args, graders, graded) => {
    const { report, results } = await run(
      `base_url: ${baseUrl}, flow_id: f1`,
      `metadata: { output_tokens: usage.completion_tokens, input_tokens: usage.prompt_tokens }\n${graders}`,
      args,
    );
    expect(results).toHaveLength(8);
    const reported = results.filter((r) => r.metadata.usage !== undefined);
    const counted = results.filter((r) => r.metadata.usage === undefined);
    expect(reported).toHaveLength(4);
    for (const r of reported) {
      expect(r.output).toBe(TEXT);
      expect(r.outputTokens).toEqual({ count: COMPLETION_TOKENS, source: 'metadata' });
      expect(r.inputTokens).toEqual({ count: PROMPT_TOKENS, source: 'metadata' });
    }
    for (const r of counted) {
      expect(r.outputTokens).toEqual({ count: o200k(TEXT), source: 'tokenizer' });
      expect(r.outputTokens.count).not.toBe(Math.round(TEXT.length / 4)); // not the old characters / 4
      expect(r.inputTokens).toBeUndefined();
    }
    const v = report.variants[0];
    expect(v.outputTokensSource).toEqual({ metadata: 4, tokenizer: 4 });
    // TPOT per request from its own count: (latency − TTFT) / 16 where the server reported 17 tokens.
    const perRequest = results.map(tpot).sort((a, b) => a - b);
    expect(v.tpotMs.count).toBe(8);
    expect(v.tpotMs.min).toBeCloseTo(perRequest[0]!, 0);
    expect(v.tpotMs.max).toBeCloseTo(perRequest[7]!, 0);
    expect(v.outputTokens.max).toBe(COMPLETION_TOKENS);
    // One token thread counts, with graders or without; grading threads run only with graders.
    expect(thread(report, 'tokens')).toHaveLength(1);
    expect(thread(report, 'grading').length > 0).toBe(graded);
  });

  it.each([
    ['', 'request'],
    ['graders: [{ type: contains, value: a }]', 'grading'],
  ])('the tokenizer runs in the token thread, not on the thread that timed or graded the answer (%s)', async (graders, other) => {
    const { report, results } = await run(`base_url: ${baseUrl}, flow_id: long`, `metadata: false\n${graders}`);
    for (const r of results) {
      expect(r.output.length).toBeGreaterThan(50_000);
      expect(r.outputTokens).toEqual({ count: o200k(r.output), source: 'tokenizer' });
    }
    // Tens of ms of tokenizer CPU per answer: all of it on the token thread. Had it run on the request
    // thread, each count would have been a stall there over the 20 ms threshold; on a grading thread, that
    // thread would have loaded the tokenizer's tables too.
    const [tokens] = thread(report, 'tokens');
    const [elsewhere] = thread(report, other);
    expect(tokens.cpuMs).toBeGreaterThan(40);
    expect(elsewhere.cpuMs).toBeLessThan(tokens.cpuMs);
  });

  it('without usage anywhere every answer is counted by the tokenizer; a path can point at another count', async () => {
    const none = await run('base_url: simulator, flow_id: echo-fast', 'metadata: false');
    for (const r of none.results) expect(r.outputTokens).toEqual({ count: o200k(r.output), source: 'tokenizer' });
    expect(none.report.variants[0].outputTokensSource).toEqual({ metadata: 0, tokenizer: 8 });

    // The simulator reports llm_usage and total_tokens: a path pointing at total_tokens is used instead.
    const total = await run('base_url: simulator, flow_id: echo-fast', 'metadata: { output_tokens: total_tokens }');
    for (const r of total.results) {
      expect(r.outputTokens).toEqual({ count: r.metadata.total_tokens, source: 'metadata' });
      expect(r.outputTokens.count).toBeGreaterThan(r.metadata.llm_usage[0].output_tokens);
      expect(r.inputTokens).toEqual({ count: r.metadata.llm_usage[0].input_tokens, source: 'metadata' });
    }
    expect(total.report.variants[0].outputTokensSource).toEqual({ metadata: 8, tokenizer: 0 });
  });
});
