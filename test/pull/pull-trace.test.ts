// `trace pull` in process against the simulator's analytics endpoint (and tiny servers for the faults):
// filters, paging, --anonymise, --expected, resume after an interruption, and the errors a pull can meet.
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import type { PullArgs } from '../../src/pull/pull-state.js';
import { PullError, pullTrace, type PageSource } from '../../src/pull/pull-trace.js';
import { loadFlows } from '../../src/simulator/flows.js';
import { generateHistory, type HistoryRun } from '../../src/simulator/history.js';
import { DEFAULT_FLOWS_FILE, startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { StackAIClient } from '../../src/stackai/client.js';
import { readJsonl, tempDir } from '../helpers/cli.js';
import { traceProblems } from './trace-format.js';

const TOKEN = 'pull-test-token-SECRET-1234';
const FLOW = 'support-bot';
let sim: LocalSimulatorHandle;
let client: StackAIClient;
let history: HistoryRun[];
let dir: string;

const config = loadFlows(DEFAULT_FLOWS_FILE);
const args = (over: Partial<PullArgs> = {}): PullArgs => ({
  baseUrl: 'simulator',
  orgId: 'demo',
  flowId: FLOW,
  startDate: null,
  endDate: null,
  states: null,
  userId: null,
  pageSize: 50,
  maxRows: null,
  anonymise: false,
  expected: false,
  outputKey: 'out-0',
  inputKey: 'in-0',
  ...over,
});
const source =
  (c: StackAIClient = client): PageSource =>
  (q) =>
    c.getAnalyticsPage('demo', FLOW, q, 10_000);
let n = 0;
const outFile = () => join(dir, `trace-${++n}.jsonl`);
type Line = {
  timestamp: string;
  inputs: Record<string, string>;
  user_id?: string;
  conversation_id?: string;
  run_id?: string;
  expected?: string;
  state?: string;
};

/** The runs of the generated history a pull should write: those that logged inputs, oldest first. */
const written = (keep: (r: HistoryRun) => boolean = () => true) => history.filter((r) => r.inputs !== null && keep(r));

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN });
  client = new StackAIClient({ baseUrl: sim.url, token: TOKEN, connections: 1 });
  history = generateHistory(config.seed, config.flows.get(FLOW)!);
  dir = tempDir('flowbench-pull-');
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

describe('trace pull against the simulator', () => {
  it('writes every run with inputs once, in time order, in the trace format; pages until an empty one', async () => {
    const out = outFile();
    const before = sim.counts().requests;
    const s = await pullTrace(source(), { args: args({ pageSize: 50 }), out, retries: 0 });
    const want = written();
    // Every page with runs, then the empty one that says the history ended.
    expect(sim.counts().requests - before).toBe(Math.ceil(history.length / 50) + 1);
    expect(s.pages).toBe(sim.counts().requests - before);
    const text = readFileSync(out, 'utf8');
    expect(traceProblems(text)).toEqual([]);
    const lines = readJsonl<Line>(out);
    expect(lines.map((l) => l.run_id)).toEqual(want.map((r) => r.run_id));
    expect(lines.map((l) => Date.parse(l.timestamp))).toEqual(want.map((r) => Math.floor(Date.parse(r.date))));
    expect(lines.map((l) => l.inputs)).toEqual(want.map((r) => JSON.parse(r.inputs!)));
    expect(s.rowsFetched).toBe(history.length);
    expect(s.skipped).toEqual({ 'no date': 0, 'no inputs': history.length - want.length });
    expect(s.skipped['no inputs']).toBeGreaterThan(0);
    expect(lines.some((l) => 'expected' in l)).toBe(false);
    // The state and the spool are gone once the trace is written.
    expect(readdirSync(dir).filter((f) => f.startsWith(out.split('/').at(-1)!))).toEqual([out.split('/').at(-1)]);
    // The history has what a replay needs: bursts, conversations of several turns, failed runs.
    const perMinute = new Map<number, number>();
    for (const l of lines) perMinute.set(Math.floor(Date.parse(l.timestamp) / 60_000), (perMinute.get(Math.floor(Date.parse(l.timestamp) / 60_000)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeGreaterThan((5 * lines.length) / 240);
    const turns = new Map<string, number>();
    for (const l of lines) if (l.conversation_id) turns.set(l.conversation_id, (turns.get(l.conversation_id) ?? 0) + 1);
    expect([...turns.values()].filter((t) => t >= 2).length).toBeGreaterThan(10);
    expect(lines.filter((l) => l.state === 'FAILED').length).toBeGreaterThan(0);
  });

  it('sends the filters: state, user, start and end date (inclusive), as the history holds them', async () => {
    const user = history[100]!.user_id!;
    const from = history[200]!.date;
    const to = history[400]!.date;
    const cases: Array<[Partial<PullArgs>, (r: HistoryRun) => boolean]> = [
      [{ states: 'FAILED,CANCELLED' }, (r) => r.state !== 'COMPLETED'],
      [{ userId: user }, (r) => r.user_id === user],
      [
        { startDate: new Date(Date.parse(from)).toISOString(), endDate: new Date(Date.parse(to)).toISOString() },
        (r) => Date.parse(r.date) >= Math.floor(Date.parse(from)) && Date.parse(r.date) <= Math.floor(Date.parse(to)),
      ],
    ];
    for (const [over, keep] of cases) {
      const out = outFile();
      await pullTrace(source(), { args: args({ pageSize: 25, ...over }), out, retries: 0 });
      const want = written(keep);
      expect(want.length).toBeGreaterThan(0);
      expect(readJsonl<Line>(out).map((l) => l.run_id)).toEqual(want.map((r) => r.run_id));
    }
  });

  it('--anonymise hashes user and conversation ids (equal stay equal) and keeps no output; --expected keeps the recorded answer', async () => {
    const out = outFile();
    await pullTrace(source(), { args: args({ anonymise: true }), out, retries: 0 });
    const text = readFileSync(out, 'utf8');
    const lines = readJsonl<Line>(out);
    const want = written();
    for (const r of want) expect(text).not.toContain(`"${r.user_id}"`);
    expect(text).not.toMatch(/conv-[0-9a-f]{12}/);
    expect(lines.some((l) => 'expected' in l)).toBe(false);
    // The same partition of runs into users and into conversations, under other names.
    const groups = (ids: Array<string | null | undefined>) => ids.map((id) => ids.indexOf(id));
    expect(groups(lines.map((l) => l.user_id))).toEqual(groups(want.map((r) => r.user_id)));
    expect(groups(lines.map((l) => l.conversation_id))).toEqual(groups(want.map((r) => r.conversation_id ?? undefined)));
    expect(lines.every((l) => /^u-[0-9a-f]{16}$/.test(l.user_id ?? ''))).toBe(true);

    const kept = outFile();
    await pullTrace(source(), { args: args({ expected: true }), out: kept, retries: 0 });
    const withExpected = readJsonl<Line>(kept);
    expect(withExpected.map((l) => l.expected)).toEqual(
      want.map((r) => (r.outputs === null ? undefined : (JSON.parse(r.outputs) as Record<string, string>)['out-0'])),
    );
    expect(withExpected.filter((l) => l.expected !== undefined).length).toBeGreaterThan(want.length / 2);
  });

  it('--max-rows stops after that many requests', async () => {
    const out = outFile();
    const s = await pullTrace(source(), { args: args({ maxRows: 60, pageSize: 25 }), out, retries: 0 });
    expect(readJsonl(out)).toHaveLength(60);
    expect(s.pages).toBe(3);
  });
});

describe('resuming an interrupted pull', () => {
  it('continues from the last complete page: no run lost, none twice, the same file as an uninterrupted pull', async () => {
    const clean = outFile();
    await pullTrace(source(), { args: args({ pageSize: 30, expected: true }), out: clean, retries: 0 });
    const out = outFile();
    let calls = 0;
    // The fourth page fails (a 503, no retries left): the pull stops with three pages kept.
    const failing: PageSource = async (q) => (++calls === 4 ? { ok: false, error: { kind: 'http_5xx', message: 'HTTP 503: down', status: 503 } } : source()(q));
    await expect(pullTrace(failing, { args: args({ pageSize: 30, expected: true }), out, retries: 0 })).rejects.toThrow(PullError);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.pull-state.json`)).toBe(true);
    // A crash after a page's lines reached the spool but before the state said so: those bytes are dropped.
    appendFileSync(`${out}.pull-spool.jsonl`, '{"timestamp":"2025-11-03T08:00:00Z","inputs":{"in-0":"half a pa');
    const seen: string[] = [];
    const s = await pullTrace((q) => (seen.push(new URLSearchParams(q).get('page')!), source()(q)), {
      args: args({ pageSize: 30, expected: true }),
      out,
      retries: 0,
    });
    expect(s.resumedAt).toBe(3);
    expect(seen[0]).toBe('3');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(clean, 'utf8'));
    expect(existsSync(`${out}.pull-state.json`)).toBe(false);
  });

  it('refuses other arguments with the difference named, starts over with restart, and refuses to overwrite a trace', async () => {
    const out = outFile();
    let calls = 0;
    const failing: PageSource = async (q) => (++calls === 2 ? { ok: false, error: { kind: 'connect', message: 'ECONNREFUSED', status: null } } : source()(q));
    await expect(pullTrace(failing, { args: args({ pageSize: 20, anonymise: true }), out, retries: 0 })).rejects.toThrow(/ECONNREFUSED/);
    const err = await pullTrace(source(), { args: args({ pageSize: 25, anonymise: true }), out, retries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('--page-size: 20 then, 25 now');
    expect((err as ConfigError).hint).toContain('--restart');
    const s = await pullTrace(source(), { args: args({ pageSize: 25, anonymise: true }), out, retries: 0, restart: true });
    expect(s.resumedAt).toBe(0);
    expect(readJsonl(out)).toHaveLength(written().length);
    await expect(pullTrace(source(), { args: args(), out, retries: 0 })).rejects.toThrow(/already exists/);
    await pullTrace(source(), { args: args({ maxRows: 5 }), out, retries: 0, force: true });
    expect(readJsonl(out)).toHaveLength(5);
    await expect(pullTrace(source(), { args: args(), out: join(dir, 'no-such-folder', 't.jsonl'), retries: 0 })).rejects.toThrow(
      /cannot write beside --out .*\(ENOENT\)/,
    );
  });

  it('an anonymised pull resumed hashes alike (the key is kept with the state, then removed)', async () => {
    const out = outFile();
    let calls = 0;
    const failing: PageSource = async (q) => (++calls === 3 ? { ok: false, error: { kind: 'reset', message: 'socket hang up', status: null } } : source()(q));
    await expect(pullTrace(failing, { args: args({ pageSize: 40, anonymise: true }), out, retries: 0 })).rejects.toThrow(PullError);
    await pullTrace(source(), { args: args({ pageSize: 40, anonymise: true }), out, retries: 0 });
    const lines = readJsonl<Line>(out);
    const want = written();
    const groups = (ids: Array<string | null | undefined>) => ids.map((id) => ids.indexOf(id));
    expect(groups(lines.map((l) => l.user_id))).toEqual(groups(want.map((r) => r.user_id)));
  });
});

/** A server answering every request with `reply`; counts requests. */
async function tinyServer(reply: (res: ServerResponse, n: number) => void): Promise<{ server: Server; url: string; count: () => number }> {
  let count = 0;
  const server = createServer((_req, res) => reply(res, ++count));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => count };
}

describe('what the server can answer instead of a page', () => {
  it('a wrong key: a clear error that never carries the token', async () => {
    const wrong = new StackAIClient({ baseUrl: sim.url, token: 'wrong-token-SECRET-987', connections: 1 });
    const err = await pullTrace(source(wrong), { args: args(), out: outFile(), retries: 2 }).catch((e: unknown) => e);
    await wrong.close();
    expect(err).toBeInstanceOf(PullError);
    expect((err as PullError).status).toBe(401);
    expect((err as PullError).message).toBe('page 0: the server refused the API key: HTTP 401: Invalid API key; check STACKAI_API_KEY');
  });

  it('a page that is not JSON: the HTTP status named; a body that is not a list: the start of it shown', async () => {
    const html = await tinyServer((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('<html>maintenance</html>'));
    const obj = await tinyServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"detail":"moved"}'));
    try {
      for (const [srv, message] of [
        [html, 'page 0 (HTTP 200): response is not JSON: <html>maintenance</html>'],
        [obj, 'page 0 (HTTP 200) is not a list of runs: {"detail":"moved"}'],
      ] as const) {
        const c = new StackAIClient({ baseUrl: srv.url, token: TOKEN, connections: 1 });
        const err = await pullTrace(source(c), { args: args(), out: outFile(), retries: 0 }).catch((e: unknown) => e);
        await c.close();
        expect((err as PullError).message).toBe(message);
      }
    } finally {
      html.server.close();
      obj.server.close();
    }
  });

  it('a 429 is retried after its Retry-After; a server capping page_size is caught before runs are missed', async () => {
    const rows = (k: number) => Array.from({ length: k }, (_, i) => ({ run_id: `r${k}-${i}`, date: `2025-11-03T09:00:0${i % 10}Z`, inputs: 'q' }));
    const limited = await tinyServer((res, n) =>
      n === 1
        ? res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"detail":"slow down"}')
        : res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(n === 2 ? rows(3) : [])),
    );
    const capped = await tinyServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows(4))));
    try {
      const c1 = new StackAIClient({ baseUrl: limited.url, token: TOKEN, connections: 1 });
      const out = outFile();
      await pullTrace(source(c1), { args: args({ pageSize: 10 }), out, retries: 1 });
      await c1.close();
      expect(limited.count()).toBe(3);
      expect(readJsonl(out)).toHaveLength(3);
      const c2 = new StackAIClient({ baseUrl: capped.url, token: TOKEN, connections: 1 });
      const err = await pullTrace(source(c2), { args: args({ pageSize: 10 }), out: outFile(), retries: 0 }).catch((e: unknown) => e);
      await c2.close();
      expect((err as PullError).message).toContain('the server caps page_size, and runs would be missed; pass --page-size 4 --restart');
    } finally {
      limited.server.close();
      capped.server.close();
    }
  });

  it('a run whose inputs or output hold the key: written with *** instead', async () => {
    const echo = await tinyServer((res, n) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify(
          n > 1
            ? []
            : [
                {
                  run_id: 'r1',
                  date: '2025-11-03T09:00:00Z',
                  inputs: JSON.stringify({ 'in-0': `my key is ${TOKEN}` }),
                  outputs: `{"out-0": "you said ${TOKEN}"}`,
                },
              ],
        ),
      ),
    );
    try {
      const c = new StackAIClient({ baseUrl: echo.url, token: TOKEN, connections: 1 });
      const out = outFile();
      await pullTrace(source(c), { args: args({ expected: true }), out, retries: 0 });
      await c.close();
      expect(readJsonl<Line>(out).map((l) => [l.inputs['in-0'], l.expected])).toEqual([['my key is ***', 'you said ***']]);
    } finally {
      echo.server.close();
    }
  });

  it('no token in any file the pull leaves', () => {
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toContain('SECRET');
  });
});
