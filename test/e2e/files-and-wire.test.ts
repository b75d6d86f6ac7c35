// Surviving a hostile world (issue 18), files, data and wire: report folders stay where they belong,
// files written whole are never left empty or torn, an unwritable folder and an empty dataset are exit 2;
// a raw TCP server sends the exact bytes of an HTML 200, a gzip 200, a 502 cut short, a 100 Continue.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { tempName, writeFileWhole, writeWhole } from '../../src/report/whole-file.js';
import { ROOT, readJsonl, runCli, tempDir } from '../helpers/cli.js';

const SIM_SUITE = (extra: string, name = 'files') => `name: ${JSON.stringify(name)}
target: { flow_id: support-bot }
dataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }
load: { concurrency: 1 }
${extra}`;

function simFolder(root: string, yaml: string, rows = 'question\nhi\n'): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'rows.csv'), rows);
  writeFileSync(join(root, 'suite.yaml'), yaml);
  return join(root, 'suite.yaml');
}

describe("report folders stay inside the working folder or the suite's folder", () => {
  it('a report.dir leading out of both is refused at its line (exit 2), in validate and run; nothing is written there', async () => {
    const top = tempDir('flowbench-escape-');
    const cwd = join(top, 'a/b/c');
    const suite = simFolder(cwd, SIM_SUITE('report: { dir: "../../../x/{{name}}" }\n'));
    for (const cmd of [
      ['validate', suite],
      ['run', suite, '--no-progress'],
    ]) {
      const r = await runCli(cmd, { cwd, timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/suite\.yaml:5:\d+: report\.dir "\.\.\/\.\.\/\.\.\/x\/\{\{name\}\}" leads out of the working folder/);
      expect(r.stderr).toMatch(/fix: .*absolute path/);
    }
    expect(existsSync(join(top, 'x'))).toBe(false);
  });

  it("an absolute report.dir is the user's choice: accepted", async () => {
    const top = tempDir('flowbench-abs-');
    const suite = simFolder(join(top, 's'), SIM_SUITE(`report: { dir: ${JSON.stringify(join(top, 'elsewhere/{{name}}'))} }\n`));
    const r = await runCli(['validate', suite], { cwd: ROOT, timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a suite name with ../ becomes one folder name inside reports/', async () => {
    const top = tempDir('flowbench-name-');
    const cwd = join(top, 'a/b/c');
    const suite = simFolder(cwd, SIM_SUITE('', '../../../../x'));
    const r = await runCli(['run', suite, '--no-progress'], { cwd, timeoutMs: 50_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const made = readdirSync(join(cwd, 'reports'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/^_+\.\._\.\._\.\._x-\d{8}-\d{6}$/);
    expect(existsSync(join(cwd, 'reports', made[0]!, 'report.json'))).toBe(true);
    expect(existsSync(join(top, 'x'))).toBe(false);
    expect(readdirSync(top)).toEqual(['a']);
  });

  it('a folder flowbench cannot make (a file in the path) is exit 2 naming it, not an internal error', async () => {
    const top = tempDir('flowbench-blocked-');
    const suite = simFolder(join(top, 's'), SIM_SUITE(''));
    writeFileSync(join(top, 'blocker'), 'a file, not a folder\n');
    const out = join(top, 'blocker', 'out');
    const r = await runCli(['run', suite, '--out', out, '--no-progress'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`flowbench: error: ${out}: cannot write here: a part of the path is a file, not a folder (ENOTDIR)`);
    expect(r.stderr).toMatch(/fix: write the reports into a folder you can write/);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('files written whole', () => {
  it('writes to a temporary name and renames: the old file stays until the new one is complete', async () => {
    const dir = tempDir('flowbench-whole-');
    const file = join(dir, 'report.json');
    writeFileSync(file, '{"old":true}\n');
    await writeWhole(file, async (out) => {
      await out.write('{"new":');
      expect(readFileSync(file, 'utf8')).toBe('{"old":true}\n'); // in place all along
      expect(existsSync(tempName(file))).toBe(true);
      await out.write('true}\n');
    });
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('a failure while filling leaves the old file and no temporary one', async () => {
    const dir = tempDir('flowbench-whole-');
    const file = join(dir, 'report.html');
    writeFileSync(file, 'old page');
    await expect(
      writeWhole(file, async (out) => {
        await out.write('x'.repeat(200_000)); // past one batch: bytes are on disk under the temporary name
        throw new Error('results.jsonl went away');
      }),
    ).rejects.toThrow('results.jsonl went away');
    expect(readFileSync(file, 'utf8')).toBe('old page');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('a process killed before the rename leaves the old report.json, never a 0-byte one', async () => {
    const dir = tempDir('flowbench-whole-');
    const file = join(dir, 'report.json');
    writeFileSync(file, '{"schemaVersion":1}\n');
    const script = `import { writeWhole } from ${JSON.stringify(join(ROOT, 'dist/report/whole-file.js'))};
await writeWhole(${JSON.stringify(file)}, async (out) => { await out.write(' '.repeat(300000)); process.kill(process.pid, 'SIGKILL'); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe('{"schemaVersion":1}\n');
  });

  it('a place that cannot be written is a ConfigError naming it', async () => {
    const dir = tempDir('flowbench-whole-');
    writeFileSync(join(dir, 'blocker'), '');
    const target = join(dir, 'blocker', 'report.json');
    const err = await writeFileWhole(target, '{}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).format()).toContain(`${target}: cannot write here: a part of the path is a file, not a folder (ENOTDIR)`);
  });
});

describe('an empty dataset is exit 2 in validate and run', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['a CSV with a header row only', 'rows.csv', 'question\n', /suite\.yaml:3:\d+: dataset .*rows\.csv has no rows to send\n\s+fix: add rows/],
    ['an empty JSON Lines file', 'rows.jsonl', '', /suite\.yaml:3:\d+: dataset .*rows\.jsonl has no rows to send/],
    ['an empty JSON array', 'rows.json', '[]\n', /suite\.yaml:3:\d+: dataset .*rows\.json has no rows to send/],
    ['limit 0', 'rows.csv', 'question\nhi\n', /dataset\.limit/],
  ];
  it.each(cases)('%s', async (name, file, text, message) => {
    const dir = tempDir('flowbench-empty-');
    const limit = name === 'limit 0' ? ', limit: 0' : '';
    writeFileSync(join(dir, file), text);
    writeFileSync(
      join(dir, 'suite.yaml'),
      SIM_SUITE('').replace('path: rows.csv, inputs: { in-0: "{{question}}" }', `path: ${file}, inputs: { in-0: "fixed" }${limit}`),
    );
    for (const cmd of [['validate'], ['run', '--no-progress']]) {
      const r = await runCli([cmd[0]!, join(dir, 'suite.yaml'), ...cmd.slice(1)], { timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toContain('verdict');
    }
  });
});

// ---- the wire: a raw server; each variant (by its version) gets the bytes of one case ----

const frame = (o: object) => `${JSON.stringify({ outputs: {}, run_id: 'r1', metadata: {}, state: null, pause: null, error: null, ...o })}\n`;
const ANSWER = frame({ outputs: { 'out-0': 'hi' } }) + frame({ state: 'COMPLETED' });
const ok = (body = ANSWER) => `HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const HTML = '<!DOCTYPE html>\n<html><body>Sign in</body></html>\n';
const SHORT_502 = 'HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nupstream connect error';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** version -> what the server sends on the nth attempt (1-based) for one row. */
const CASES: Record<string, (attempt: number, sock: Socket) => Promise<void> | void> = {
  1: (_n, s) => void s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${HTML.length}\r\n\r\n${HTML}`),
  2: (_n, s) => void s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${HTML.length}\r\n\r\n${HTML}`), // no content-type at all
  3: (_n, s) => {
    const z = gzipSync(ANSWER);
    s.write(
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Encoding: gzip\r\nContent-Length: ${z.length}\r\n\r\n`), z]),
    );
  },
  4: (n, s) => void s.write(n === 1 ? SHORT_502 : ok()), // the socket stays open: the rest of the body never comes
  5: () => {}, // replaced below: always a short 502
  6: async (_n, s) => {
    s.write('HTTP/1.1 100 Continue\r\n\r\n');
    await sleep(20);
    s.write(`HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n${ok()}`);
  },
};
CASES[5] = (_n, s) => void s.write(SHORT_502);

let server: Server;
let baseUrl: string;
const attempts = new Map<string, number>();

beforeAll(async () => {
  server = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => {});
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        const version = new URL(head.split(' ')[1]!, 'http://x').searchParams.get('version') ?? '';
        const key = `${version}:${(JSON.parse(body) as { q: string }).q}`;
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        void (CASES[version] ?? ((_n, s) => void s.write(ok())))(n, sock);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the wire: bodies that are not frames, a 502 cut short, a 100 Continue', () => {
  type Rec = {
    variant: string;
    ok: boolean;
    attempts: number;
    retriedOn?: string[];
    latencyMs: number;
    output: string;
    error: { kind: string; message: string } | null;
  };
  let results: Rec[];
  let code: number | null;

  beforeAll(async () => {
    const dir = tempDir('flowbench-wire-');
    writeFileSync(join(dir, 'rows.csv'), 'q\none\ntwo\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: wire
target: { base_url: ${baseUrl}, org_id: org, flow_id: flow, token: wire-test-token }
dataset: { path: rows.csv, inputs: { q: "{{q}}" } }
mode: stream
stream: { sse: false, delta: true }
metadata: false
variants:
  - { name: html, version: 1 }
  - { name: bare-html, version: 2 }
  - { name: gzip, version: 3 }
  - { name: short-502-once, version: 4 }
  - { name: short-502, version: 5 }
  - { name: continue, version: 6 }
load: { concurrency: 2, retries: 1, timeout: 10s, idle_timeout: 5s }
`,
    );
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress'], { timeoutMs: 50_000 });
    code = r.code;
    expect(r.stderr).toBe('');
    results = readJsonl<Rec>(join(dir, 'out/results.jsonl'));
  }, 60_000);

  const of = (variant: string) => results.filter((r) => r.variant === variant);

  it('ran every request and failed the run (exit 1) on the failing variants', () => {
    expect(results).toHaveLength(12);
    expect(code).toBe(1);
  });

  it('an HTML 200, with or without its content-type, is protocol, not retried', () => {
    for (const v of ['html', 'bare-html']) {
      for (const r of of(v)) expect(r).toMatchObject({ ok: false, attempts: 1, error: { kind: 'protocol' } });
    }
    expect(of('html')[0]!.error!.message).toMatch(/HTML page \(content-type: text\/html/);
    expect(of('bare-html')[0]!.error!.message).toMatch(/not a stream of frames: it starts "<!DOCTYPE html>"/);
  });

  it('a gzip body nobody asked for is protocol', () => {
    for (const r of of('gzip'))
      expect(r).toMatchObject({ ok: false, attempts: 1, error: { kind: 'protocol', message: expect.stringMatching(/content-encoding: gzip/) } });
  });

  it('a 502 whose body is shorter than its content-length is http_5xx and retried as one, within a second or so', () => {
    for (const r of of('short-502-once')) {
      expect(r).toMatchObject({ ok: true, attempts: 2, retriedOn: ['http_5xx'], output: 'hi' });
      expect(r.latencyMs).toBeLessThan(4000); // not the 5 s idle timeout
    }
    for (const r of of('short-502')) {
      expect(r).toMatchObject({ ok: false, attempts: 2, retriedOn: ['http_5xx'], error: { kind: 'http_5xx', message: 'HTTP 502: upstream connect error' } });
    }
  });

  it('a 100 Continue (and a 103) before the answer is skipped: success', () => {
    for (const r of of('continue')) expect(r).toMatchObject({ ok: true, attempts: 1, output: 'hi', error: null });
  });
});
