// More bad input, each one exit 2 with file, line and fix, no stack trace: ranges, datasets that cannot be
// read or parsed, a missing token, a bad JSON schema, the timeout keys, --resume misuse and fault settings.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const suite = (over: { path?: string; extra?: string; target?: string } = {}) => `name: t
target: ${over.target ?? '{ flow_id: support-bot }'}
dataset:
  path: ${over.path ?? 'rows.csv'}
  inputs:
    in-0: "{{question}}"
load:
  concurrency: 2
${over.extra ?? ''}`;

const cases: Array<[string, { yaml: string; files?: Record<string, string>; dirs?: string[] }, RegExp]> = [
  ['a value out of range', { yaml: suite().replace('concurrency: 2', 'concurrency: 0') }, /suite\.yaml:8:\d+: .*concurrency.*\n\s+fix: /],
  ['a timeout key of the wrong type', { yaml: suite({ extra: '  idle_timeout: soon\n' }) }, /suite\.yaml:9:\d+: .*idle_timeout[\s\S]*fix: /],
  ['retry_partial that is not a boolean', { yaml: suite({ extra: '  retry_partial: maybe\n' }) }, /suite\.yaml:9:\d+: .*retry_partial/],
  ['a dataset that is a folder', { yaml: suite({ path: 'data.csv' }), dirs: ['data.csv'] }, /suite\.yaml:4:\d+: dataset\.path is not a file/],
  [
    'CSV broken quoting (row number)',
    { yaml: suite(), files: { 'rows.csv': 'question\nhi\n"broken\nok\n' } },
    /rows\.csv:3: CSV: a quoted field .* never closed[\s\S]*fix: /,
  ],
  [
    'JSON Lines with a bad line (line number)',
    { yaml: suite({ path: 'rows.jsonl' }), files: { 'rows.jsonl': '{"question":"a"}\n{"question": oops}\n' } },
    /rows\.jsonl:2: JSON Lines: line 2 is not valid JSON[\s\S]*fix: /,
  ],
  [
    'no token for a non-simulator base_url',
    { yaml: suite({ target: '{ base_url: "https://api.stack-ai.com", org_id: o, flow_id: f, token: "" }' }) },
    /suite\.yaml:2:\d+: no API token for https:\/\/api\.stack-ai\.com\n\s+fix: set STACKAI_API_KEY/,
  ],
  ['an invalid JSON schema', { yaml: suite({ extra: 'graders: [{ type: json-schema, schema: { type: 12 } }]\n' }) }, /suite\.yaml:9:\d+: .*json-schema/],
];

describe('more bad input: exit 2, file and line, a fix, no stack trace', () => {
  it.each(cases)('%s', async (_name, c, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), 'question,answer\nhi,hello\n');
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
    for (const d of c.dirs ?? []) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'suite.yaml'), c.yaml);
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--no-progress', '--out', join(dir, 'out')], { env: { STACKAI_API_KEY: '' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^flowbench: error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a token for plain http:// to another host is warned about (validate and run), never shown', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), 'question\nhi\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      suite({ target: '{ base_url: "http://flows.example.invalid", org_id: o, flow_id: f, token: "sk-plain-canary-77" }' }),
    );
    const r = await runCli(['validate', join(dir, 'suite.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^flowbench: warning: the API token is sent over plain http:\/\/ to flows\.example\.invalid.*use https:\/\//);
    expect(r.stdout + r.stderr).not.toContain('sk-plain-canary-77');
  });

  it('--resume and --out naming different folders', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), 'question\nhi\n');
    writeFileSync(join(dir, 'suite.yaml'), suite());
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--resume', join(dir, 'a'), '--out', join(dir, 'b')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume .* and --out .* name different folders\n\s+fix: leave out --out/);
  });

  it('simulate --fault with an unknown key or a bad value', async () => {
    const a = await runCli(['simulate', '--port', '0', '--fault', 'http_492_rate=0.1']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--fault http_492_rate: unknown fault key\n\s+fix: did you mean http_429_rate\?/);
    const b = await runCli(['simulate', '--port', '0', '--fault', 'stall_rate=1.5']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/stall_rate=1\.5: expected a number from 0 to 1/);
  });

  it('a flows file whose fault rates add up to more than 1, or with a misspelt fault key', async () => {
    const dir = tempDir();
    const flows = (v: string) => `flows:\n  f:\n    answers: echo\n    versions:\n      1: { quality: 1, ttft_ms: 1, tokens_per_s: 100, ${v} }\n`;
    writeFileSync(join(dir, 'over.yaml'), flows('stall_rate: 0.7, eof_rate: 0.6'));
    writeFileSync(join(dir, 'typo.yaml'), flows('stal_rate: 0.1'));
    const over = await runCli(['simulate', '--port', '0', '--flows', join(dir, 'over.yaml')]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/over\.yaml:5:\d+: .*add up to 1\.3, more than 1/);
    const typo = await runCli(['simulate', '--port', '0', '--flows', join(dir, 'typo.yaml')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/typo\.yaml:5:\d+: .*unknown key "stal_rate"\n\s+fix: did you mean "stall_rate"/);
  });
});
