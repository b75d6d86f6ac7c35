// load.replay without a server: time parsing (ISO 8601, epoch s and ms), the loader's refusals of bad
// trace lines and suites (file:line and the fix), a CSV trace, and how shards divide a trace (every row in
// exactly one shard, each at its traced time).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceTimeMs } from '../../src/dataset/trace.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { driveLoad } from '../../src/runner/drive-load.js';
import type { ShardSpec } from '../../src/shard/partition.js';
import { loadSuite } from '../../src/suite/load-suite.js';

const T0 = Date.parse('2026-11-30T09:00:00.000Z');

function suiteDir(trace: string, load: string, extra = '', name = 'trace.jsonl'): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowbench-replay-unit-'));
  writeFileSync(join(dir, name), trace);
  writeFileSync(join(dir, 's.yaml'), `name: r\ntarget: { flow_id: f }\n${extra}load: ${load}\n`);
  return join(dir, 's.yaml');
}

async function refusal(file: string): Promise<string> {
  const err = await loadSuite(file, { env: {} }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).format();
}

describe('trace times', () => {
  it.each([
    ['2026-11-30T09:00:00.125Z', T0 + 125],
    ['2026-11-30T10:00:00.125+01:00', T0 + 125],
    ['2026-11-30T09:00:00.125', T0 + 125], // no zone: UTC, whatever the machine's
    ['2026-11-30 09:00:00', T0],
    [T0 / 1000, T0],
    [T0 / 1000 + 0.001, T0 + 1], // epoch seconds with ms, free of floating-point dust
    [T0, T0],
    [String(T0), T0],
    [String(T0 / 1000), T0],
    [1e11 + 1, 1e11 + 1], // just above the line: milliseconds
    [1e11, 1e14], // at it: seconds
  ])('%s -> %d', (value, ms) => {
    expect(traceTimeMs(value)).toBe(ms);
  });

  it.each([['yesterday'], ['2026-11-30'], [''], [-5], [null], [true], [{ t: 1 }], [Number.NaN]])('%s is not a time', (value) => {
    expect(traceTimeMs(value)).toBeNull();
  });
});

describe('load.replay suites', () => {
  const good = (i: number) => JSON.stringify({ timestamp: T0 + i * 10, inputs: { 'in-0': `q${i}` } });

  it('refuses a row without a time at its line, with the fix', async () => {
    const trace = `${good(0)}\n${good(1)}\n\n${JSON.stringify({ inputs: { 'in-0': 'x' } })}\n`;
    const msg = await refusal(suiteDir(trace, '{ replay: { path: trace.jsonl } }'));
    expect(msg).toContain("trace.jsonl:4: trace: the row on line 4 has no 'timestamp' field");
    expect(msg).toContain('fix: give every row a timestamp in ISO 8601');
    expect(msg).toContain('load.replay.time');
  });

  it('refuses a time it cannot read, and a row that is not JSON, at their lines', async () => {
    const bad = JSON.stringify({ when: 'soon', inputs: {} });
    expect(await refusal(suiteDir(`${bad}\n`, '{ replay: { path: trace.jsonl, time: when } }'))).toContain(
      `trace.jsonl:1: trace: the row on line 1 has 'when' "soon", which is not a time`,
    );
    expect(await refusal(suiteDir(`${good(0)}\n{"timestamp": 1,\n`, '{ replay: { path: trace.jsonl } }'))).toMatch(
      /trace\.jsonl:2: JSON Lines: line 2 is not valid JSON/,
    );
  });

  it('refuses a row without an inputs object unless load.replay.inputs maps the fields', async () => {
    const trace = `${good(0)}\n${JSON.stringify({ timestamp: T0, inputs: 'hello' })}\n`;
    const msg = await refusal(suiteDir(trace, '{ replay: { path: trace.jsonl } }'));
    expect(msg).toContain(`trace.jsonl:2: trace: the row on line 2 has 'inputs' "hello", not an object`);
    const mapped = await loadSuite(suiteDir(trace, '{ replay: { path: trace.jsonl, inputs: { in-0: "{{inputs}}" } } }'), { env: {} });
    expect(mapped.dataset.inputs).toEqual({ 'in-0': '{{inputs}}' });
  });

  it('refuses a suite with both a dataset and a replay, a CSV trace without inputs, rate beside replay, and an unknown extension', async () => {
    const trace = `${good(0)}\n`;
    const both = suiteDir(trace, '{ replay: { path: trace.jsonl } }', 'dataset: { path: trace.jsonl }\n');
    expect(await refusal(both)).toContain('a suite with load.replay reads its rows from the trace');
    expect(await refusal(suiteDir('timestamp,q\n1,a\n', '{ replay: { path: trace.csv } }', '', 'trace.csv'))).toContain(
      'load.replay.inputs must map its columns',
    );
    expect(await refusal(suiteDir(trace, '{ replay: { path: trace.jsonl }, rate: 5 }'))).toContain('load.replay and load.rate both set when requests are sent');
    expect(await refusal(suiteDir(trace, '{ replay: { path: trace.txt } }', '', 'trace.txt'))).toContain('load.replay.path must end in .jsonl or .csv');
    expect(await refusal(suiteDir(trace, '{ concurrency: 2 }'))).toContain('the suite has no dataset');
  });

  it('reads a CSV trace with its own time column, epoch seconds and ISO mixed', async () => {
    const file = suiteDir(
      `at,question\n${T0 / 1000},a\n2026-11-30T09:00:01.500Z,b\n`,
      '{ replay: { path: trace.csv, time: at, inputs: { in-0: "{{question}}" } } }',
      '',
      'trace.csv',
    );
    const suite = await loadSuite(file, { env: {} });
    const sent: { q: unknown; at: number }[] = [];
    await driveLoad(
      suite,
      async (p, info) => {
        sent.push({ q: p.values.question, at: info.scheduledAt });
      },
      () => false,
    );
    expect(sent.map((s) => s.q)).toEqual(['a', 'b']);
    expect(sent[1]!.at - sent[0]!.at).toBeCloseTo(1500, 0);
  });

  it('sorts a trace out of time order, stably', async () => {
    const rows = [
      { timestamp: T0 + 40, inputs: { 'in-0': 'c' } },
      { timestamp: T0, inputs: { 'in-0': 'a' } },
      { timestamp: T0 + 40, inputs: { 'in-0': 'd' } },
      { timestamp: T0 + 20, inputs: { 'in-0': 'b' } },
    ];
    const suite = await loadSuite(suiteDir(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`, '{ replay: { path: trace.jsonl } }'), { env: {} });
    const order: unknown[] = [];
    await driveLoad(
      suite,
      async (p) => {
        order.push((p.values.inputs as Record<string, unknown>)['in-0']);
      },
      () => false,
    );
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('divides across shards by row, each row in one shard at its traced time', async () => {
    const n = 60;
    const trace = `${Array.from({ length: n }, (_, i) => good(i)).join('\n')}\n`;
    const suite = await loadSuite(suiteDir(trace, '{ replay: { path: trace.jsonl, speed: 2 } }'), { env: {} });
    const seen = new Map<number, number>();
    for (const index of [1, 2, 3]) {
      const shard: ShardSpec = { index, count: 3 };
      const times: { row: number; at: number }[] = [];
      const out = await driveLoad(
        suite,
        async (p, info) => {
          times.push({ row: p.row, at: info.scheduledAt });
        },
        () => false,
        undefined,
        shard,
      );
      expect(out.started).toBe(times.length);
      expect(times.length).toBeGreaterThan(0);
      expect(times.length).toBeLessThan(n);
      // Offsets count from the trace's first row, not the shard's: row i is due i * 10 / 2 ms after row 0.
      const first = times[0]!;
      for (const t of times) expect(t.at - first.at).toBeCloseTo(((t.row - first.row) * 10) / 2, 0);
      for (const t of times) seen.set(t.row, (seen.get(t.row) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
  });
});
