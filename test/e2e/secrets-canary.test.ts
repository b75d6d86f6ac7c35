// The canary sweep against a hostile server: a loopback server that echoes the Authorization header back
// in every place it can (outputs, error details, pauses, metadata, HTTP error bodies in JSON, text and
// HTML, a changed run id, the judge's answer, the feedback answer), in several encodings, for every fault
// kind the fault tests use (test/faults). Runs in three modes, with a judge and feedback posting; one run
// also carries a second canary as credentials in base_url. Then every file of the report folder (report.html's
// gzip row chunks inflated), stdout, stderr, the feedback posted and the judge prompts sent are searched
// for both canaries in every encoding. Nothing may be found.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl, runCli, tempDir, type CliResult } from '../helpers/cli.js';

/** `"`, `\`, `+`, `/`, `&`, `=`, a space and a non-ASCII (Latin-1, so it can ride in a header) character. */
const CANARY = 'fb"CANARY\\tok+/&=x é-9';
const URL_CANARY = 'url"CANARY\\key+/&= ü-7';
/** Every fault kind of the fault tests (src/simulator/faults.ts), one dataset row each. */
const FAULTS = [
  'none',
  'slow',
  'huge',
  'run_id_change',
  'http_429',
  'http_500',
  'http_502',
  'http_503',
  'reset',
  'disconnect',
  'stall',
  'eof',
  'error',
  'pause',
  'garbage',
] as const;
const STALL_MS = 2500;
/** Words, not one long run of a letter: the tokenizer counting a huge answer's tokens is quadratic in a word's length. */
const FILLER = 'lorem ipsum ';

const json = (s: string) => JSON.stringify(s).slice(1, -1);
const jsonAscii = (s: string) => json(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const htmlNamed = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const htmlNumeric = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const form = (s: string) => new URLSearchParams({ t: s }).toString().slice(2);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** What the sweep looks for: each canary in each encoding, and the word CANARY (a cut-off half of one). */
const FORMS = [
  ...new Set(
    [CANARY, URL_CANARY].flatMap((c) => [
      c,
      encodeURIComponent(c),
      form(c),
      json(c),
      json(json(c)),
      jsonAscii(c),
      htmlNamed(c),
      htmlNumeric(c),
      htmlNamed(json(c)),
      htmlNamed(c).replace(/&#39;/g, '&apos;'),
      c.replace(/"/g, '""'),
      b64(c).slice(0, 16),
      b64(`Bearer ${c}`).slice(0, 20),
    ]),
  ),
  'CANARY',
];

/** The server's echo of one request's credentials, in many encodings at once. */
function echo(auth: string, reqUrl: string): string {
  const token = auth.replace(/^Bearer /, '');
  return [auth, JSON.stringify({ authorization: auth }), encodeURIComponent(token), form(token), jsonAscii(auth), htmlNamed(auth), b64(auth), reqUrl].join(
    ' | ',
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const feedbackPosted: string[] = [];
const judgeBodies: string[] = [];
let authSeen = 0;
let runs = 0;
let server: Server;
let baseUrl: string;

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

/** One flow call: the row's fault, with the echo everywhere the fault lets a server put text. */
async function flowCall(req: IncomingMessage, res: import('node:http').ServerResponse, auth: string, body: string, url: URL): Promise<void> {
  const row = Number(/row (\d+)/.exec(String((JSON.parse(body) as Record<string, unknown>)['in-0']))?.[1] ?? 0);
  const fault = FAULTS[row % FAULTS.length]!;
  const e = echo(auth, req.url!);
  const runId = `run-${++runs}`;
  const answer = `row ${row} answer: ${e}`;
  const frame = (outputs: Record<string, string>, state: string | null, extra: Record<string, unknown> = {}) => ({
    outputs,
    citations: null,
    run_id: runId,
    metadata: {},
    progress_data: null,
    state,
    pause: null,
    error: null,
    ...extra,
  });
  const jsonHead = { 'content-type': 'application/json' };
  switch (fault) {
    case 'http_429':
      return void res.writeHead(429, { ...jsonHead, 'retry-after': '0' }).end(JSON.stringify({ detail: `slow down, ${auth}` }));
    case 'http_500':
      return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`upstream said ${JSON.stringify({ authorization: auth })} and ${jsonAscii(auth)}`);
    case 'http_502':
      return void res
        .writeHead(502, { 'content-type': 'text/html' })
        .end(`<html><body><h1>Bad gateway</h1><p>${htmlNamed(auth)} ${htmlNumeric(auth)}</p></body></html>`);
    case 'http_503':
      return void res.writeHead(503, jsonHead).end(JSON.stringify({ detail: [{ loc: ['header', auth], msg: `unavailable: ${e}` }] }));
    case 'reset':
      return void req.socket.destroy();
  }
  if (url.pathname.includes('/run/')) {
    const whole = JSON.stringify(frame({ 'out-0': fault === 'huge' ? `${answer} ${FILLER.repeat(25_000)} ${e}` : answer }, 'COMPLETED'));
    if (fault === 'stall') await sleep(STALL_MS);
    if (res.destroyed) return;
    res.writeHead(200, jsonHead);
    if (fault === 'eof') return void res.end(whole.slice(0, -30));
    if (fault === 'garbage') return void res.end(`<<not json>> ${e}`);
    if (fault === 'pause') return void res.end(JSON.stringify(frame({ 'out-0': answer }, 'PAUSED', { pause: { reason: auth } })));
    if (fault === 'error') return void res.end(JSON.stringify(frame({ 'out-0': answer }, 'FAILED', { error: `flow failed for ${auth}` })));
    if (fault === 'disconnect') return void res.write(whole.slice(0, whole.length / 2), () => req.socket.destroy());
    if (fault === 'slow') {
      for (const ch of whole) if (!res.destroyed) await new Promise<void>((r) => res.write(ch, () => r()));
      return void res.end();
    }
    return void res.end(whole);
  }
  const sse = url.searchParams.get('sse') === 'true';
  res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/x-ndjson' });
  const line = (f: object) => (sse ? `data: ${JSON.stringify(f)}\n\n` : `${JSON.stringify(f)}\n`);
  // The answer in three deltas cut through the echo: only the joined output holds the whole token.
  const cut = [0, 14, 40, answer.length];
  const content = cut
    .slice(1)
    .map((end, i) => line(frame({ 'out-0': answer.slice(cut[i], end) }, null)))
    .join('');
  const done = line(frame({}, 'COMPLETED'));
  switch (fault) {
    case 'slow':
      for (const ch of content + done) if (!res.destroyed) await new Promise<void>((r) => res.write(ch, () => r()));
      return void res.end();
    case 'huge':
      for (let i = 0; i < 8; i++) res.write(line(frame({ 'out-0': ` ${FILLER.repeat(2_500)} ${e}` }, null)));
      return void res.end(content + done);
    case 'disconnect':
      return void res.write(content, () => req.socket.destroy());
    case 'stall':
      res.write(content);
      await sleep(STALL_MS);
      return void (res.destroyed || res.end(done));
    case 'eof':
      return void res.end(content);
    case 'error':
      return void res.end(content + line(frame({}, 'FAILED', { error: { message: `failed for ${auth}`, detail: e } })));
    case 'pause':
      return void res.end(content + line(frame({}, 'PAUSED', { pause: { reason: auth, url: req.url } })));
    case 'garbage':
      return void res.end(`${content}${sse ? 'data: ' : ''}garbage ${e} {not json\n${sse ? '\n' : ''}`);
    case 'run_id_change':
      return void res.end(content + line({ ...frame({ 'out-0': '!' }, null), run_id: `other ${auth}` }));
    default:
      return void res.end(content + done);
  }
}

beforeAll(async () => {
  let judged = 0;
  let feedbacks = 0;
  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, 'http://x');
      const body = await readBody(req);
      const auth = req.headers.authorization ?? `Bearer ${url.searchParams.get('token') ?? ''}`;
      if (auth.includes(CANARY)) authSeen++;
      const e = echo(auth, req.url!);
      if (url.pathname.endsWith('/metadata')) {
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ echoed: e, [auth]: 1, nested: { list: [auth, auth.slice(7)] } }));
      }
      if (url.pathname.includes('/feedback/')) {
        feedbackPosted.push(String((JSON.parse(body) as { feedback: unknown }).feedback));
        return void (++feedbacks % 2 === 0
          ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"saved": 1}')
          : res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: `feedback store down for ${auth}` })));
      }
      if (url.pathname.endsWith('/judge')) {
        judgeBodies.push(body);
        const outputs = { 'out-0': `score ${++judged % 2} because ${e}` };
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ outputs, run_id: `judge-${judged}`, state: 'COMPLETED', error: null, pause: null }));
      }
      await flowCall(req, res, auth, body, url);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

/** report.html keeps its rows as base64 gzip chunks: inflated, so the sweep reads what the page shows. */
function htmlRows(html: string): string {
  return [...html.matchAll(/class="flowbench-rows">([^<]*)<\/script>/g)].map((m) => gunzipSync(Buffer.from(m[1]!, 'base64')).toString('utf8')).join('\n');
}

/** Every place a canary was found, as "where: form". */
function leaks(texts: Record<string, string>): string[] {
  return Object.entries(texts).flatMap(([where, text]) => FORMS.filter((f) => text.includes(f)).map((f) => `${where}: ${f}`));
}

async function run(mode: string, extra: { sse?: boolean; url?: string; args?: string[] } = {}): Promise<{ cli: CliResult; out: string }> {
  const dir = tempDir('flowbench-canary-');
  writeFileSync(join(dir, 'rows.csv'), `q\n${FAULTS.map((_, i) => `row ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: canary
target: { base_url: "\${FB_URL}", org_id: org, flow_id: flow, token: "\${FB_TOKEN}" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: ${mode}
stream: { sse: ${extra.sse === true} }
metadata: true
max_error_rate: 1
graders:
  - { type: contains, value: row }
  - { type: judge, flow_id: judge, prompt: "Grade this: {{output}}", score_regex: "score (\\\\d)", threshold: 0.5 }
feedback: { post: true, when: always, template: "{{verdict}} {{grades}} {{output}} {{reasons}}" }
load: { concurrency: 8, retries: 1, timeout: 2s, idle_timeout: 400ms, first_byte_timeout: 1s }
`,
  );
  const out = join(dir, 'out');
  const cli = await runCli(['run', join(dir, 'suite.yaml'), '--out', out, '--no-progress', '--threads', '1', ...(extra.args ?? [])], {
    env: { FB_URL: extra.url ?? baseUrl, FB_TOKEN: CANARY },
    timeoutMs: 20_000,
  });

  return { cli, out };
}

describe('canary sweep against a server that echoes the token everywhere', () => {
  it('no canary in any encoding in any file, stream, feedback posted or judge prompt, for every fault kind and mode', async () => {
    const withCredentials = `${baseUrl.replace('//', `//bob:${encodeURIComponent(URL_CANARY)}@`)}/?key=${encodeURIComponent(URL_CANARY)}&region=eu`;
    // One after another: each sets its own environment (FB_URL, FB_TOKEN) for its in-process CLI call.
    const cases = [await run('stream'), await run('sso-stream', { sse: true, url: withCredentials }), await run('run', { args: ['--dry-run'] })];
    expect(authSeen).toBeGreaterThan(3 * FAULTS.length); // the canary really reached the server, in every mode
    expect(judgeBodies.length).toBeGreaterThan(0);
    expect(feedbackPosted.length).toBeGreaterThan(0);
    for (const { cli, out } of cases) {
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stderr).not.toMatch(/internal error|\n\s+at /);
      const lines = readJsonl<{ ok: boolean; output: string; error: { kind: string } | null; grades: { reason: string }[]; metadata: unknown }>(
        join(out, 'results.jsonl'),
      );
      expect(lines).toHaveLength(FAULTS.length);
      const kinds = new Set(lines.map((l) => l.error?.kind ?? 'ok'));
      for (const k of ['ok', 'http_429', 'http_5xx', 'reset', 'timeout', 'flow_error', 'paused', 'protocol']) expect(kinds, [...kinds].join()).toContain(k);
      // The echoes were there and were redacted, not dropped.
      expect(lines.find((l) => l.ok)!.output).toMatch(/answer: Bearer \*\*\* \| \{"authorization":"Bearer \*\*\*"\} \| \*\*\* \| \*\*\*/);
      expect(JSON.stringify(lines.find((l) => l.ok)!.metadata)).toContain('***');
      expect(lines.some((l) => l.grades.some((g) => /because Bearer \*\*\* \|/.test(g.reason)))).toBe(true);
      const texts: Record<string, string> = { stdout: cli.stdout, stderr: cli.stderr };
      for (const file of filesUnder(out)) {
        texts[file] = readFileSync(file, 'utf8') + readFileSync(file, 'latin1');
        if (file.endsWith('report.html')) texts[`${file} (rows)`] = htmlRows(texts[file]!);
      }
      expect(Object.keys(texts).some((k) => k.endsWith('(rows)'))).toBe(true);
      expect(leaks(texts)).toEqual([]);
    }
    expect(cases[1]!.cli.stderr).toMatch(/warning: the base URL carries a credential \(a user:password part and query parameter key\)/);
    expect(cases[2]!.cli.stdout).toMatch(/feedback \(dry run\) .*\*\*\*/);
    // The judge cache (this file's own folder, test/helpers/judge-cache-env.ts) keeps the judge's answers: redacted, keyed without the token.
    const cached = filesUnder(process.env.FLOWBENCH_CACHE_DIR!);
    expect(cached.length).toBeGreaterThan(0);
    expect(leaks(Object.fromEntries(cached.map((f) => [f, f + readFileSync(f, 'utf8') + readFileSync(f, 'latin1')])))).toEqual([]);
    expect(
      leaks({
        feedback: feedbackPosted.join('\n'),
        judge: judgeBodies.join('\n') + judgeBodies.map((b) => String((JSON.parse(b) as Record<string, unknown>)['in-0'])).join('\n'),
      }),
    ).toEqual([]);
  });
});
