// Resume pieces without a run: reading results.jsonl (torn and damaged lines), the manifest's refusals, skipDone.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rateLimitNotice } from '../../src/report/rate-limit-notice.js';
import { ResultsSink } from '../../src/report/results-sink.js';
import { manifestMismatch, type RunManifest } from '../../src/runner/run-manifest.js';
import { resultKey, scanResults, skipDone } from '../../src/runner/resume.js';
import { plainHttpTokenWarning } from '../../src/stackai/plain-http.js';
import { ConfigError } from '../../src/errors/config-error.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { tempDir } from '../helpers/cli.js';

const rec = (variant: string, row: number, extra: Partial<ResultRecord> = {}) =>
  ({ variant, row, iteration: 0, attempts: 1, ok: true, error: null, ...extra }) as ResultRecord;

describe('results.jsonl: written in whole-line batches, read back with a torn tail ignored', () => {
  it('batches lines, flushes on close, and reads them back', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const sink = new ResultsSink(file, { maxLines: 3, maxDelayMs: 10_000 });
    sink.write(rec('a', 0));
    sink.write(rec('a', 1));
    expect(readFileSync(file, 'utf8')).toBe(''); // waiting for the batch
    sink.write(rec('a', 2));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4); // three whole lines
    sink.write(rec('a', 3));
    await sink.close();
    sink.write(rec('a', 4)); // after close: dropped (an abandoned request), not an error
    const seen: number[] = [];
    const s = await scanResults(file, (r) => seen.push(r.row));
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(s).toMatchObject({ records: 4, tornBytes: 0 });
  });

  it('a torn last line is ignored and measured; a damaged earlier line names its line number', async () => {
    const file = join(tempDir(), 'results.jsonl');
    writeFileSync(file, `${JSON.stringify(rec('a', 0))}\n${JSON.stringify(rec('a', 1))}\n`);
    appendFileSync(file, '{"variant":"a","ro');
    const s = await scanResults(file, () => {});
    expect(s).toEqual({ records: 2, lines: 2, wholeBytes: readFileSync(file).length - 18, tornBytes: 18 });
    writeFileSync(file, `${JSON.stringify(rec('a', 0))}\nnot json\n${JSON.stringify(rec('a', 1))}\n`);
    await expect(scanResults(file, () => {})).rejects.toThrow(ConfigError);
    await expect(scanResults(file, () => {})).rejects.toMatchObject({ line: 2 });
    expect(await scanResults(join(tempDir(), 'missing.jsonl'), () => {})).toEqual({ records: 0, lines: 0, wholeBytes: 0, tornBytes: 0 });
  });

  it('a checkpoint reads the file a part at a time: whole lines once each, a torn tail on the next look, line numbers kept', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const first = `${JSON.stringify(rec('a', 0))}\n${JSON.stringify(rec('a', 1))}\n`;
    writeFileSync(file, `${first}{"variant":"a","ro`);
    const seen: number[] = [];
    const a = await scanResults(file, (r) => seen.push(r.row), { start: 0, end: readFileSync(file).length, linesBefore: 0 });
    expect(a).toEqual({ records: 2, lines: 2, wholeBytes: Buffer.byteLength(first), tornBytes: 18 });
    writeFileSync(file, `${first}${JSON.stringify(rec('a', 2))}\nnot json\n`);
    const range = { start: a.wholeBytes, end: readFileSync(file).length, linesBefore: a.lines };
    await expect(scanResults(file, (r) => seen.push(r.row), range)).rejects.toMatchObject({ line: 4 });
    expect(seen).toEqual([0, 1, 2]); // the line torn at the first look, read whole at the second
    expect(await scanResults(file, () => {}, { start: 10, end: 10, linesBefore: 0 })).toEqual({ records: 0, lines: 0, wholeBytes: 0, tornBytes: 0 });
  });

  it('skipDone leaves out exactly the keys already done', async () => {
    async function* plan() {
      for (let row = 0; row < 3; row++) for (let variant = 0; variant < 2; variant++) yield { variant, row, iteration: 0 };
    }
    const done = new Set([resultKey('p', 1, 0), resultKey('d', 2, 0)]);
    const left: string[] = [];
    for await (const p of skipDone(plan(), done, ['p', 'd'])) left.push(`${p.variant}/${p.row}`);
    expect(left).toEqual(['0/0', '1/0', '1/1', '0/2']);
  });
});

describe('manifest check', () => {
  const m = (settings: Record<string, string>, sha = 'a'.repeat(64)): RunManifest => ({
    schemaVersion: 1,
    suite: 's',
    suiteFile: '/s.yaml',
    startedAt: '',
    suiteHash: 'h',
    settings,
    dataset: { path: '/d.csv', sha256: sha, bytes: 10 },
  });
  it('names the settings that changed, and a changed dataset', () => {
    expect(manifestMismatch(m({ 'load.concurrency': '1', graders: 'g' }), m({ 'load.concurrency': '1', graders: 'g' }))).toBeNull();
    expect(manifestMismatch(m({ 'load.concurrency': '1', graders: 'g' }), m({ 'load.concurrency': '2', graders: 'g', 'load.rate': 'r' }))).toBe(
      'the suite changed since the run began (load.concurrency, load.rate)',
    );
    expect(manifestMismatch(m({}), m({}, 'b'.repeat(64)))).toMatch(/^the dataset \/d\.csv changed since the run began \(sha256 aaaaaaaaaaaa… → bbbbbbbbbbbb…/);
  });
});

describe('run notices', () => {
  it('says plainly when many requests were rate-limited, and stays quiet when few were', () => {
    const v = (requests: number, rateLimited: number, final429 = 0) => ({ requests, rateLimited, errorKinds: final429 ? { http_429: final429 } : {} });
    expect(rateLimitNotice([v(60, 30), v(40, 12)])).toBe(
      '42 % of requests were rate-limited (HTTP 429: 42 of 100, 0 still failing after retries); lower concurrency or rate',
    );
    expect(rateLimitNotice([v(100, 2)])).toBeNull();
    expect(rateLimitNotice([v(100, 3, 1)])).toMatch(/^3 % .*1 still failing/);
    expect(rateLimitNotice([v(0, 0)])).toBeNull();
  });

  it.each([
    ['http://api.example.com', 'sekret-xyz', true],
    ['https://api.example.com', 'sekret-xyz', false],
    ['http://127.0.0.1:8787', 'sekret-xyz', false],
    ['http://localhost:8787', 'sekret-xyz', false],
    ['http://[::1]:8787', 'sekret-xyz', false],
    ['http://10.0.0.5', 'sekret-xyz', true],
    ['http://api.example.com', '', false],
    ['simulator', 'sekret-xyz', false],
  ] as const)('token to %s (token %j): warning %s', (url, token, warn) => {
    const w = plainHttpTokenWarning(url, token);
    expect(w !== null).toBe(warn);
    if (w) expect(w).not.toContain(token);
  });
});
