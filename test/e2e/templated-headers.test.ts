// target.headers as templates over the dataset row: each flow call (and its run's metadata fetch) carries
// its own row's values, feedback only the fixed ones; secret-looking values never show in any output,
// even when the server echoes them in an error; a bad column or a line break is refused at its line.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

interface Seen {
  kind: 'flow' | 'metadata' | 'feedback';
  q: string;
  headers: Record<string, string | string[] | undefined>;
}
const seen: Seen[] = [];
let url = '';

// Per-row credentials (dataset column `key`) and a fixed one from the environment.
const KEYS = ['rowkey-alpha-7Qx2', 'rowkey-bravo-9Lm4', 'rowkey-charlie-3Zp8'];
const GATEWAY_KEY = 'gw-fixed-K8s2Vq';
const UUID_TRACE = '3f2a9c1e-7b4d-4e8a-9f0c-2d6b1a5e8c3f';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const u = new URL(req.url!, 'http://x');
    const kind = u.pathname.includes('/feedback/') ? 'feedback' : u.pathname.endsWith('/metadata') ? 'metadata' : 'flow';
    const q = kind === 'flow' ? String(JSON.parse(body || '{}')['in-0'] ?? '') : '';
    seen.push({ kind, q, headers: { ...req.headers } });
    res.setHeader('content-type', 'application/json');
    if (kind === 'metadata') return res.end('{"latency": 1}');
    if (kind === 'feedback') return res.end('{"updated": 1}');
    if (q === 'echo') {
      // A gateway that quotes the credentials it refused, in part and whole.
      res.statusCode = 500;
      const h = req.headers;
      return res.end(
        JSON.stringify({
          detail: `bad key ${String(h['x-api-key'])} (auth ${String(h['x-user-auth'])}), gateway ${String(h['x-gateway-key'])}, trace ${String(h['x-trace'])}`,
        }),
      );
    }
    return res.end(`{"outputs":{"out-0":"ok ${q}"},"run_id":"run-${q}","state":"COMPLETED","error":null,"pause":null}`);
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Where any of `secrets` shows: "stdout", "stderr" or a file of the report folder. */
function leaks(cli: CliResult, out: string, secrets: string[]): string[] {
  const found: string[] = [];
  const scan = (where: string, text: string) => {
    for (const s of secrets) if (text.includes(s) || text.includes(encodeURIComponent(s))) found.push(`${where}: ${s}`);
  };
  scan('stdout', cli.stdout);
  scan('stderr', cli.stderr);
  for (const file of filesUnder(out)) scan(file, readFileSync(file, 'utf8'));
  return found;
}

describe('templated headers', () => {
  it("each request carries its row's values; secret-looking ones never show, even echoed by the server", async () => {
    const dir = tempDir('flowbench-headers-');
    // Row 3's tenant holds a line break (a quoted CSV field): that request fails unsent, the others run.
    writeFileSync(
      join(dir, 'rows.csv'),
      `q,tenant,key\nfirst,acme,${KEYS[0]}\necho,globex,${KEYS[1]}\nthird,initech,${KEYS[2]}\nbroken,"two\nlines",${KEYS[2]}\n`,
    );
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: headers
target:
  base_url: "${url}"
  org_id: o
  flow_id: f
  token: tok-e2e-42
  headers:
    X-Team: search
    X-Tenant: "{{tenant}}"
    X-Row: "row-{{row}}"
    X-Api-Key: "{{key}}"
    X-User-Auth: "Bearer {{key}}"
    X-Gateway-Key: "\${GW_KEY}"
    X-Trace: ${UUID_TRACE}
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
metadata: true
feedback: { post: true }
max_error_rate: 1
load: { concurrency: 1, retries: 0 }
`,
    );
    seen.length = 0;
    const out = join(dir, 'out');
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', out, '--no-progress'], { env: { GW_KEY: GATEWAY_KEY } });
    expect(r.code, r.stderr).toBe(0);

    const flows = seen.filter((s) => s.kind === 'flow');
    expect(flows.map((s) => s.q).sort()).toEqual(['echo', 'first', 'third']); // 'broken' was never sent
    const byQ = Object.fromEntries(flows.map((s) => [s.q, s.headers]));
    expect(byQ.first).toMatchObject({
      'x-team': 'search',
      'x-tenant': 'acme',
      'x-row': 'row-0',
      'x-api-key': KEYS[0],
      'x-user-auth': `Bearer ${KEYS[0]}`,
      'x-gateway-key': GATEWAY_KEY,
      'x-trace': UUID_TRACE,
      authorization: 'Bearer tok-e2e-42',
    });
    expect(byQ.echo).toMatchObject({ 'x-tenant': 'globex', 'x-row': 'row-1', 'x-api-key': KEYS[1] });
    expect(byQ.third).toMatchObject({ 'x-tenant': 'initech', 'x-row': 'row-2', 'x-api-key': KEYS[2] });

    // The metadata fetch of a run carries its row's headers; a feedback post only the fixed ones.
    const metadata = seen.filter((s) => s.kind === 'metadata');
    expect(metadata.map((s) => s.headers['x-tenant']).sort()).toEqual(['acme', 'initech']);
    const feedback = seen.filter((s) => s.kind === 'feedback');
    expect(feedback.length).toBeGreaterThan(0);
    for (const f of feedback) {
      expect(f.headers).toMatchObject({ 'x-team': 'search', 'x-gateway-key': GATEWAY_KEY });
      expect(f.headers['x-tenant']).toBeUndefined();
    }

    const results = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { row: number; error: { kind: string; message: string } | null });
    const byRow = Object.fromEntries(results.map((x) => [x.row, x.error]));
    expect(byRow[1]).toEqual({ kind: 'http_5xx', message: 'HTTP 500: bad key *** (auth ***), gateway ***, trace ***', status: 500 });
    expect(byRow[3]).toEqual({
      kind: 'protocol',
      message: 'header x-tenant: value contains a line feed (LF) at character 4: not sent (a header value is one line of Latin-1 text)',
      status: null,
    });
    expect(byRow[0]).toBeNull();

    expect(readdirSync(out)).toEqual(expect.arrayContaining(['report.json', 'results.jsonl', 'report.html', 'run-manifest.json']));
    expect(leaks(r, out, [...KEYS, GATEWAY_KEY, UUID_TRACE])).toEqual([]);
  });

  it('a header template naming a column the dataset lacks is exit 2 at its line, with the nearest column', async () => {
    const dir = tempDir('flowbench-headers-');
    writeFileSync(join(dir, 'rows.csv'), 'q,tenant\nhi,acme\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: bad-column
target:
  base_url: "${url}"
  org_id: o
  flow_id: f
  token: tok-e2e-42
  headers:
    X-Tenant: "{{tenat}}"
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
`,
    );
    const r = await runCli(['validate', join(dir, 'suite.yaml')]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:8:\d+: .*column 'tenat'.*target\.headers\.x-tenant/);
    expect(r.stderr).toMatch(/did you mean \{\{tenant\}\}\?/);
  });

  it('a fixed value with a line break is refused at its line without quoting it', async () => {
    const dir = tempDir('flowbench-headers-');
    writeFileSync(join(dir, 'rows.csv'), 'q\nhi\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: bad-value
target:
  base_url: "${url}"
  org_id: o
  flow_id: f
  token: tok-e2e-42
  headers:
    X-Api-Key: "sk-hidden-value\\r\\nX-Evil: 1"
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
`,
    );
    const r = await runCli(['validate', join(dir, 'suite.yaml')]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:8:\d+: target\.headers: the value of x-api-key contains a carriage return \(CR\) at character 16/);
    expect(r.stderr).not.toContain('sk-hidden-value');
  });
});
