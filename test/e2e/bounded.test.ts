// Bounded by design: a load one process cannot hold, an alias bomb, a huge or key-stuffed YAML file are
// each refused at load time (exit 2, the line, a fix) and quickly, before anything is allocated for them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_IN_FLIGHT, MAX_RATE } from '../../src/suite/load-caps.js';
import { MAX_YAML_BYTES } from '../../src/yaml/yaml-limits.js';
import { runCli, tempDir } from '../helpers/cli.js';

const HEAD = `name: t
target: { flow_id: support-bot }
dataset:
  path: rows.csv
  inputs:
    in-0: "{{question}}"
`;

function suite(yaml: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'rows.csv'), 'question,answer\nhi,hello\n');
  writeFileSync(join(dir, 'suite.yaml'), yaml);
  return join(dir, 'suite.yaml');
}

/** Nine lists of nine aliases, each of the one before (9^8 values), under dataset.inputs from line 7. */
function aliasBomb(indent: string): string {
  const lines = [`${indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++)
    lines.push(
      `${indent}${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

const FAST_MS = 15_000; // generous for a busy machine; the old behaviour was minutes or never

describe('load caps: over what one process holds is exit 2, at the line, with a fix that says to shard', () => {
  it.each([
    ['concurrency', `load:\n  concurrency: 1000000000\n`, /suite\.yaml:8:\d+: load\.concurrency 1,000,000,000 is over the 10,000 requests in flight/],
    [
      'a concurrency ramp',
      `load:\n  stages:\n    - { concurrency: 1, to: 1000000000, duration: 10s }\n`,
      /suite\.yaml:9:\d+: load\.stages\[0\]\.to 1,000,000,000 is over/,
    ],
    ['a rate', `load:\n  rate: ${MAX_RATE * 2}\n`, /suite\.yaml:8:\d+: load\.rate 100,000 is over the 50,000 requests per second/],
    ['a rate ramp', `load:\n  stages:\n    - { rate: 1, to: ${MAX_RATE + 1}, duration: 10s }\n`, /suite\.yaml:9:\d+: load\.stages\[0\]\.to 50,001 is over/],
    ['a sweep', `load:\n  sweep: { from: 10, to: 200000, steps: 3, duration: 5s }\n`, /suite\.yaml:8:\d+: load\.sweep\.to 200,000 is over/],
  ])(
    '%s',
    async (_name, load, message) => {
      const file = suite(`${HEAD}${load}`);
      for (const cmd of ['validate', 'run']) {
        const t0 = Date.now();
        const r = await runCli([cmd, file, ...(cmd === 'run' ? ['--no-progress'] : [])], { timeoutMs: 30_000 });
        expect(Date.now() - t0).toBeLessThan(FAST_MS);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toMatch(/fix: shard it: run [\d,]+ processes, --shard 1\/\d+ … .*docs\/load-models\.md, "Scaling out"/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    },
    60_000,
  );

  it('--concurrency and --rate are capped too, named as flags', async () => {
    const file = suite(`${HEAD}load:\n  concurrency: 2\n`);
    const c = await runCli(['run', file, '--no-progress', '--concurrency', String(MAX_IN_FLIGHT * 2)], { timeoutMs: 30_000 });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(
      /error: --concurrency 20,000 is over the 10,000 requests in flight.*\n\s+fix: shard it: run 2 processes, --shard 1\/2 … --shard 2\/2/,
    );
    const r = await runCli(['run', file, '--no-progress', '--rate', '1e6'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: --rate 1,000,000 is over the 50,000 requests per second.*\n\s+fix: shard it/);
  }, 60_000);

  it('the cap is per shard: --shard I/N brings the share under it, too few shards still say how many', async () => {
    const file = suite(`${HEAD}load:\n  concurrency: ${MAX_IN_FLIGHT * 4}\n`);
    expect((await runCli(['validate', file, '--shard', '1/4'], { timeoutMs: 30_000 })).code).toBe(0);
    const r = await runCli(['validate', file, '--shard', '1/2'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/load\.concurrency 40,000 \(20,000 for each of 2 shards\) is over.*\n\s+fix: shard it: run 4 processes/);
  }, 60_000);
});

describe('YAML limits: exit 2 quickly, at the line', () => {
  it('an alias bomb under dataset.inputs names the alias that goes over the limit', async () => {
    const file = suite(`${HEAD}${aliasBomb('    ')}`);
    const t0 = Date.now();
    const r = await runCli(['validate', file], { timeoutMs: 30_000 });
    expect(Date.now() - t0).toBeLessThan(FAST_MS);
    expect(r.code).toBe(2);
    // Line 7 holds a, line 8 b (*a), ...: the running total passes 100,000 values within e's line (11) or f's (12).
    expect(r.stderr).toMatch(/suite\.yaml:1[12]:\d+: YAML aliases expand to more than 100,000 values \(\*[de] here/);
    expect(r.stderr).toMatch(/fix: write the values out/);
  }, 60_000);

  it('an alias inside the node it names is refused, not walked forever', async () => {
    const r = await runCli(['validate', suite(`${HEAD}    c: &c [1, *c]\n`)], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:7:\d+: YAML alias \*c sits inside the node its anchor names/);
  }, 60_000);

  it('a simulator flows file with an alias bomb: exit 2 at the line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flows.yaml'), `seed: 1\nflows:\n  x:\n    answers: echo\n${aliasBomb('    ')}`);
    const t0 = Date.now();
    const r = await runCli(['simulate', '--port', '0', '--flows', join(dir, 'flows.yaml')], { timeoutMs: 30_000 });
    expect(Date.now() - t0).toBeLessThan(FAST_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/flows\.yaml:\d+:\d+: YAML aliases expand to more than 100,000 values/);
  }, 60_000);

  it('a suite over the size limit is refused before it is parsed', async () => {
    const r = await runCli(['validate', suite(`${HEAD}# ${'x'.repeat(MAX_YAML_BYTES)}\n`)], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite file is 1 MB, over the 1 MB a YAML file may be\n\s+fix: .*dataset file/);
  }, 60_000);

  it('50,000 keys in one mapping: the duplicate at the end is found in linear time', async () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `    k${i}: ${i}\n`).join('');
    const t0 = Date.now();
    const r = await runCli(['validate', suite(`${HEAD}${keys}    k7: again\n`)], { timeoutMs: 60_000 });
    expect(Date.now() - t0).toBeLessThan(FAST_MS * 2);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:50007:5: YAML syntax error: Map keys must be unique/);
  }, 90_000);
});
