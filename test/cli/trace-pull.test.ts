// `flowbench trace pull` as a user runs it: killed (SIGKILL) and interrupted (SIGINT) mid-pull and run
// again, a wrong key, a bad flag; the API key is never in its output or its files.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullTrace } from '../../src/pull/pull-trace.js';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { StackAIClient } from '../../src/stackai/client.js';
import { progressWriter } from '../../src/cli/trace-command.js';
import { CLI, readJsonl, runCli, tempDir } from '../helpers/cli.js';
import { traceProblems } from '../pull/trace-format.js';

const TOKEN = 'CANARY-pull-key-7f3a91c2';
let sim: LocalSimulatorHandle;
let proxy: Server;
let proxyUrl: string;
let dir: string;
/** The page the proxy holds unanswered (the pull is stopped while it waits), or null to pass all. */
let holdPage: string | null = null;
let held: ((page: string) => void) | null = null;
const outputs: string[] = [];

/** Forwards to the simulator; holds the request for `holdPage` without an answer. */
function forward(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const page = url.searchParams.get('page');
  if (holdPage !== null && page === holdPage) {
    held?.(page);
    return;
  }
  void fetch(`${sim.url}${url.pathname}${url.search}`, { headers: { authorization: req.headers.authorization ?? '' } }).then(async (r) => {
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(await r.text());
  });
}

const pullArgs = (out: string) => [
  'trace',
  'pull',
  '--base-url',
  proxyUrl,
  '--org',
  'demo',
  '--flow',
  'support-bot',
  '--page-size',
  '50',
  '--expected',
  '--out',
  out,
];
const env = { STACKAI_API_KEY: TOKEN, STACKAI_BASE_URL: '', STACKAI_ORG_ID: '' };

/** Starts a pull, waits until it asks for `page`, sends `signal`; resolves with its exit code and stderr. */
function stopAt(page: string, signal: NodeJS.Signals, out: string): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  holdPage = page;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...pullArgs(out)], { env: { ...process.env, ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (d) => outputs.push(String(d)));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    held = () => child.kill(signal);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      holdPage = null;
      outputs.push(stderr);
      resolve({ code, signal: sig, stderr });
    });
  });
}

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN });
  proxy = createServer(forward);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  dir = tempDir('flowbench-trace-cli-');
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((r) => proxy.close(() => r()));
  await sim.close();
});

/** The trace an uninterrupted pull writes (in process, through the same proxy: the same arguments). */
async function cleanPull(out: string): Promise<string> {
  const client = new StackAIClient({ baseUrl: proxyUrl, token: TOKEN, connections: 1 });
  try {
    await pullTrace((q) => client.getAnalyticsPage('demo', 'support-bot', q, 10_000), {
      args: {
        baseUrl: proxyUrl,
        orgId: 'demo',
        flowId: 'support-bot',
        startDate: null,
        endDate: null,
        states: null,
        userId: null,
        pageSize: 50,
        maxRows: null,
        anonymise: false,
        expected: true,
        outputKey: 'out-0',
        inputKey: 'in-0',
      },
      out,
      retries: 0,
    });
  } finally {
    await client.close();
  }
  return readFileSync(out, 'utf8');
}

describe('flowbench trace pull', () => {
  it('killed with SIGKILL mid-pull, then run again: continues, and writes each run exactly once', async () => {
    const out = join(dir, 'killed.jsonl');
    const killed = await stopAt('7', 'SIGKILL', out);
    expect(killed.signal).toBe('SIGKILL');
    const again = await runCli(pullArgs(out), { env });
    outputs.push(again.stdout, again.stderr);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^wrote .*killed\.jsonl: \d+ requests, 2025-11-03T08:.* resumed at page 7\n$/);
    // Not a TTY: the progress is a plain line every 10 pages (pages 8 to 13 were fetched: one line).
    expect(again.stderr.match(/^trace pull: page \d+.*$/gm)).toEqual([expect.stringMatching(/^trace pull: page 10, 500 runs read, \d+ kept, \d+ skipped$/)]);
    const text = readFileSync(out, 'utf8');
    expect(traceProblems(text)).toEqual([]);
    const clean = await cleanPull(join(dir, 'clean.jsonl'));
    expect(text).toBe(clean);
    const ids = readJsonl<{ run_id: string }>(out).map((l) => l.run_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('Ctrl-C mid-pull: exit 130 with what to do; run again, it finishes', async () => {
    const out = join(dir, 'interrupted.jsonl');
    const stopped = await stopAt('3', 'SIGINT', out);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('interrupted: the pages pulled so far are kept; run the same command again to continue');
    const again = await runCli(pullArgs(out), { env });
    outputs.push(again.stdout, again.stderr);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('resumed at page 3');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'clean.jsonl'), 'utf8'));
  });

  it('a wrong key: exit 1, a clear message, the key not in it; a bad flag: exit 2 with the fix', async () => {
    const wrong = await runCli(pullArgs(join(dir, 'wrong.jsonl')), { env: { ...env, STACKAI_API_KEY: 'CANARY-wrong-key-0000' } });
    outputs.push(wrong.stdout, wrong.stderr);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('flowbench: error: page 0: the server refused the API key: HTTP 401: Invalid API key; check STACKAI_API_KEY');
    const bad = await runCli([...pullArgs(join(dir, 'bad.jsonl')), '--state', 'DONE'], { env });
    outputs.push(bad.stdout, bad.stderr);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'flowbench: error: --state DONE: unknown state DONE\n  fix: use one or more of PENDING, PAUSED, RESUMED, COMPLETED, FAILED, CANCELLED, comma-separated',
    );
    const noKey = await runCli(['trace', 'pull', '--base-url', 'https://api.stack-ai.com', '--org', 'o', '--flow', 'f', '--out', join(dir, 'nokey.jsonl')], {
      env: { ...env, STACKAI_API_KEY: '' },
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API token for https://api.stack-ai.com');
  });

  it('progress: rewritten in place on a TTY and cleared at the end; off with --no-progress', () => {
    const written: string[] = [];
    const tty = progressWriter(true, { isTTY: true, write: (t: string) => written.push(t) > 0 });
    tty.page({ pages: 1, rowsFetched: 100, linesKept: 99, skipped: 1 });
    tty.page({ pages: 2, rowsFetched: 200, linesKept: 198, skipped: 2 });
    tty.end();
    expect(written).toEqual([
      '\r\x1b[2Ktrace pull: page 1, 100 runs read, 99 kept, 1 skipped',
      '\r\x1b[2Ktrace pull: page 2, 200 runs read, 198 kept, 2 skipped',
      '\r\x1b[2K',
    ]);
    const off: string[] = [];
    const quiet = progressWriter(false, { isTTY: true, write: (t: string) => off.push(t) > 0 });
    for (let p = 1; p <= 20; p++) quiet.page({ pages: p, rowsFetched: p, linesKept: p, skipped: 0 });
    quiet.end();
    expect(off).toEqual([]);
  });

  it('the key is in no output and no file', () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const text of outputs) expect(text).not.toContain('CANARY');
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toContain('CANARY');
  });
});
