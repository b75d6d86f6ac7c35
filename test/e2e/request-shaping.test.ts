// Requests shaped as StackAI documents them: `verbose` per target or variant reaches the query string,
// absent when the suite says nothing; every request carries flowbench's User-Agent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const seen: { variantRow: string; query: URLSearchParams; agent: string | undefined; team: string | undefined }[] = [];
let url = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const u = new URL(req.url!, 'http://x');
    seen.push({
      variantRow: JSON.parse(body || '{}')['in-0'] ?? '',
      query: u.searchParams,
      agent: req.headers['user-agent'],
      team: req.headers['x-team'] as string | undefined,
    });
    res.setHeader('content-type', 'application/json');
    res.end('{"outputs":{"out-0":"ok"},"run_id":"r","state":"COMPLETED","error":null,"pause":null}');
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('request shaping', () => {
  it("verbose: the variant's own, else the target's, else not sent", async () => {
    const dir = tempDir('flowbench-shaping-');
    writeFileSync(join(dir, 'rows.csv'), 'q\nonly row\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: shaping
target: { base_url: "${url}", org_id: o, flow_id: f, token: test-token, verbose: false, headers: { X-Team: "${'$'}{TEAM_NAME}" } }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
variants:
  - { name: loud, version: 1, verbose: true }
  - { name: quiet, version: 2 }
load: { concurrency: 1, retries: 0 }
`,
    );
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress'], { env: { TEAM_NAME: 'search-quality' } });
    expect(r.code, r.stderr).toBe(0);
    const byVersion = Object.fromEntries(seen.map((s) => [s.query.get('version'), s.query.get('verbose')]));
    expect(byVersion).toEqual({ 1: 'true', 2: 'false' });
    for (const s of seen) expect(s.agent).toMatch(/^flowbench\/\d+\.\d+\.\d+/);
    for (const s of seen) expect(s.team).toBe('search-quality');

    seen.length = 0;
    writeFileSync(
      join(dir, 'plain.yaml'),
      `name: plain
target: { base_url: "${url}", org_id: o, flow_id: f, token: test-token }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
`,
    );
    const p = await runCli(['run', join(dir, 'plain.yaml'), '--out', join(dir, 'plain-out'), '--no-progress']);
    expect(p.code, p.stderr).toBe(0);
    expect(seen.map((s) => s.query.has('verbose'))).toEqual([false]);
  });

  it('a header flowbench sets itself is refused at its line, with where the key goes instead', async () => {
    const dir = tempDir('flowbench-shaping-');
    writeFileSync(join(dir, 'rows.csv'), 'q\nrow\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: bad-headers
target: { base_url: "${url}", org_id: o, flow_id: f, token: test-token, headers: { Authorization: "Bearer x" } }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
`,
    );
    const r = await runCli(['validate', join(dir, 'suite.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:2.*authorization is set by flowbench/);
    expect(r.stderr).toMatch(/target\.token/);
  });

  it('shards share concurrency exactly: 4 in flight over 3 shards is 2 + 1 + 1, and the merge says 4', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: 9 }, (_, i) => `question ${i}`).join('\n')}\n`);
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: shares
target: { base_url: simulator, org_id: demo, flow_id: fixed-timing }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
load: { concurrency: 4 }
`,
    );
    const outs = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    const runs = await Promise.all(outs.map((out, i) => runCli(['run', join(dir, 'suite.yaml'), '--shard', `${i + 1}/3`, '--out', out, '--no-progress'])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const shares = outs.map((out) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).load.concurrency as number);
    expect(shares).toEqual([2, 1, 1]);
    const merged = await runCli(['merge', ...outs, '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'merged', 'report.json'), 'utf8')).load.concurrency).toBe(4);
  });
});
