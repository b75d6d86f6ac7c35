// `flowbench report DIR` as a user runs it: every derived file rebuilt from results.jsonl and
// report.json, a torn last line tolerated, a corrupt folder refused with exit 2 and where.
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let out: string;

beforeAll(async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'data.jsonl'), Array.from({ length: 5 }, (_, i) => JSON.stringify({ q: `question ${i}, "with" quotes` })).join('\n'));
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: rebuild
target: { flow_id: echo-fast }
dataset: { path: data.jsonl, inputs: { in-0: "{{q}}" }, expected: "{{q}}" }
variants:
  - { name: first, version: 1 }
  - { name: "second one", version: 1 }
graders:
  - { type: contains, value: "{{expected}}" }
`,
  );
  out = join(dir, 'out');
  const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', out, '--no-progress']);
  expect(r.code, r.stderr).toBe(0);
});

/** The rows report.html embeds, text references resolved as the page does. */
function htmlRows(file: string): unknown[][] {
  const strings: string[] = [];
  const rows: unknown[][] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(/class="flowbench-rows">([A-Za-z0-9+/=]*)<\/script>/g)) {
    const chunk = JSON.parse(gunzipSync(Buffer.from(m[1]!, 'base64')).toString('utf8')) as { rows: unknown[][]; strings: string[] };
    strings.push(...chunk.strings);
    for (const r of chunk.rows) rows.push(r.map((x, i) => (i >= 8 && i <= 12 && typeof x === 'number' ? strings[x] : x)));
  }
  return rows;
}

describe('flowbench report DIR', () => {
  it('a run writes report.html, results.csv and one .hgrm per variant and measured metric', () => {
    expect(readdirSync(join(out, 'hgrm')).sort()).toEqual([
      'first.latency.hgrm',
      'first.ttfb.hgrm',
      'first.ttft.hgrm',
      'second_one.latency.hgrm',
      'second_one.ttfb.hgrm',
      'second_one.ttft.hgrm',
    ]); // echo-fast sends its answer in one frame: no inter-token gaps, so no itl file
    expect(htmlRows(join(out, 'report.html'))).toHaveLength(10);
    expect(parse(readFileSync(join(out, 'results.csv'), 'utf8'), { columns: true })).toHaveLength(10);
  });

  it('rebuilds them all from results.jsonl and report.json', async () => {
    const before = readFileSync(join(out, 'results.csv'), 'utf8');
    const hgrm = readFileSync(join(out, 'hgrm/first.latency.hgrm'), 'utf8');
    for (const f of ['report.html', 'results.csv', 'hgrm']) rmSync(join(out, f), { recursive: true });
    const r = await runCli(['report', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('report.html');
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(before);
    expect(readFileSync(join(out, 'hgrm/first.latency.hgrm'), 'utf8')).toBe(hgrm);
    const rows = htmlRows(join(out, 'report.html'));
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r[12]).filter((o) => o === 'question 3, "with" quotes')).toHaveLength(2);
  });

  it('skips a torn last line (a run killed mid-write) and refuses a corrupt one with its line', async () => {
    const results = join(out, 'results.jsonl');
    const good = readFileSync(results, 'utf8');
    appendFileSync(results, '{"variant":"first","row":');
    const torn = await runCli(['report', out]);
    expect(torn.code, torn.stderr).toBe(0);
    expect(htmlRows(join(out, 'report.html'))).toHaveLength(10);
    const lines = good.trimEnd().split('\n');
    writeFileSync(results, [lines[0], 'not json', ...lines.slice(1)].join('\n'));
    const bad = await runCli(['report', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${results}:2: results line is not JSON`);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    writeFileSync(results, good);
  });

  it('says what is missing when the folder is not a report', async () => {
    const empty = tempDir();
    const r = await runCli(['report', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no report.json');
    writeFileSync(join(empty, 'report.json'), JSON.stringify({ schemaVersion: 1, variants: [] }));
    // Dated a minute back: the schema hook of runCli checks the files a call writes by their time, and a
    // file written in the same millisecond as the call began counted as the call's (a flake once in CI).
    const before = new Date(Date.now() - 60_000);
    utimesSync(join(empty, 'report.json'), before, before);
    const r2 = await runCli(['report', empty]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('no results.jsonl');
    expect(existsSync(join(empty, 'report.html'))).toBe(false);
  });
});
