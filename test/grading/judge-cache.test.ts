// The judge cache in-process: keys, hits, what is never kept, damaged entries, the size cap and its
// location, against a real folder (no pool, no server: the caller behind it is a counting function).
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import type { JudgeCaller, JudgeRequest } from '../../src/grade/types.js';
import { cachedJudgeCaller, JudgeCache, judgeCacheKey, pruneJudgeCache } from '../../src/grading/judge-cache.js';
import { judgeCacheLocation, judgeCacheSettings } from '../../src/grading/judge-cache-settings.js';
import { tempDir } from '../helpers/cli.js';

const req = (prompt: string, version: number | null = null): JudgeRequest => ({ flowId: 'judge', version, inputs: { 'in-0': prompt }, output: 'out-0' });

/** A judge that answers `score N` for prompt N, counting its calls; `fail` lists prompts it errs on. */
function countingJudge(fail: Set<string> = new Set()): JudgeCaller & { calls: number } {
  const f = (async (r: JudgeRequest) => {
    f.calls++;
    const p = String(r.inputs['in-0']);
    const bad = fail.has(p);
    return {
      flowId: r.flowId,
      runId: `run-${f.calls}`,
      ok: !bad,
      attempts: 1,
      latencyMs: 12.5,
      output: bad ? '' : `score ${p}`,
      error: bad ? 'http_5xx: boom' : null,
    };
  }) as JudgeCaller & { calls: number };
  f.calls = 0;
  return f;
}

const entries = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

describe('the judge cache', () => {
  it('keys on identity, flow, version, output key and inputs: never on anything else', () => {
    const k = judgeCacheKey('id', req('7'));
    expect(judgeCacheKey('id', req('7'))).toBe(k);
    for (const other of [
      judgeCacheKey('id2', req('7')),
      judgeCacheKey('id', req('8')),
      judgeCacheKey('id', req('7', 3)),
      judgeCacheKey('id', { ...req('7'), output: 'out-1' }),
    ])
      expect(other).not.toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a second identical call is a hit: no call made, marked cached, the first call kept', async () => {
    const dir = tempDir();
    const judge = countingJudge();
    const cached = cachedJudgeCaller(judge, new JudgeCache({ dir, maxBytes: 1 << 20 }), 'id');
    const first = await cached(req('7'));
    expect(first).toMatchObject({ ok: true, output: 'score 7', runId: 'run-1', error: null });
    expect(first.cached).toBeUndefined();
    const again = await cached(req('7'));
    expect(judge.calls).toBe(1);
    expect(again).toEqual({ flowId: 'judge', runId: 'run-1', ok: true, attempts: 1, latencyMs: 12.5, output: 'score 7', cached: true, error: null });
    await cached(req('8'));
    expect(judge.calls).toBe(2);
    expect(entries(dir)).toHaveLength(2);
  });

  it('never keeps an error: the next call is made again', async () => {
    const dir = tempDir();
    const judge = countingJudge(new Set(['5']));
    const cached = cachedJudgeCaller(judge, new JudgeCache({ dir, maxBytes: 1 << 20 }), 'id');
    expect((await cached(req('5'))).error).toBe('http_5xx: boom');
    expect((await cached(req('5'))).cached).toBeUndefined();
    expect(judge.calls).toBe(2);
    expect(existsSync(dir) ? entries(dir) : []).toHaveLength(0);
  });

  it('a damaged entry is a miss, and the next success replaces it', async () => {
    const dir = tempDir();
    const cache = new JudgeCache({ dir, maxBytes: 1 << 20 });
    const judge = countingJudge();
    const cached = cachedJudgeCaller(judge, cache, 'id');
    await cached(req('3'));
    const only = entries(dir)[0]!;
    const file = join(only.parentPath, only.name);
    for (const damage of ['{"v":1,"key":', '', '{"v":1,"key":"other","call":{"ok":true,"output":"x"}}']) {
      writeFileSync(file, damage);
      expect((await cached(req('3'))).cached).toBeUndefined();
    }
    expect(judge.calls).toBe(4);
    expect(JSON.parse(readFileSync(file, 'utf8')).call.output).toBe('score 3');
  });

  it('threads writing at once leave only whole entries, no temporary files', async () => {
    const dir = tempDir();
    // Four caches on one folder stand for four grading threads: each writes every key.
    const callers = Array.from({ length: 4 }, () => cachedJudgeCaller(countingJudge(), new JudgeCache({ dir, maxBytes: 1 << 20 }), 'id'));
    await Promise.all(callers.flatMap((c) => Array.from({ length: 20 }, (_, i) => c(req(String(i))))));
    const files = entries(dir);
    expect(files).toHaveLength(20);
    for (const f of files) {
      expect(f.name).toMatch(/^[0-9a-f]{64}\.json$/);
      expect(JSON.parse(readFileSync(join(f.parentPath, f.name), 'utf8')).call.ok).toBe(true);
    }
  });

  it('is held under its cap: the least recently used entries go first', async () => {
    const dir = tempDir();
    const cache = new JudgeCache({ dir, maxBytes: 1 << 20 });
    const judge = countingJudge();
    const cached = cachedJudgeCaller(judge, cache, 'id');
    for (let i = 0; i < 6; i++) await cached(req(String(i)));
    const files = entries(dir).map((f) => join(f.parentPath, f.name));
    const size = readFileSync(files[0]!).length;
    // Entries 0..5 made at t = 1000 s + i, then entry 0 read again (a hit makes it the newest).
    for (let i = 0; i < 6; i++)
      utimesSync(join(dir, judgeCacheKey('id', req(String(i))).slice(0, 2), `${judgeCacheKey('id', req(String(i)))}.json`), 1000 + i, 1000 + i);
    expect((await cached(req('0'))).cached).toBe(true);
    const pruned = await pruneJudgeCache({ dir, maxBytes: size * 3 + 10 });
    expect(pruned.removed).toBe(3);
    judge.calls = 0;
    for (const i of ['0', '4', '5']) expect((await cached(req(i))).cached).toBe(true);
    for (const i of ['1', '2', '3']) expect((await cached(req(i))).cached).toBeUndefined();
    expect(judge.calls).toBe(3);
  });

  it('lives in $FLOWBENCH_CACHE_DIR/judge, else $XDG_CACHE_HOME/flowbench/judge, else ~/.cache/flowbench/judge', () => {
    expect(judgeCacheLocation({ FLOWBENCH_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toEqual({ dir: '/c/judge', maxBytes: 256 * 1024 * 1024 });
    expect(judgeCacheLocation({ XDG_CACHE_HOME: '/x', FLOWBENCH_JUDGE_CACHE_MAX_MB: '1.5' })).toEqual({ dir: '/x/flowbench/judge', maxBytes: 1572864 });
    expect(judgeCacheLocation({ XDG_CACHE_HOME: 'relative' }).dir).toMatch(/\.cache\/flowbench\/judge$/);
    expect(() => judgeCacheLocation({ FLOWBENCH_JUDGE_CACHE_MAX_MB: 'lots' })).toThrow(ConfigError);
  });

  it('is off with --no-cache or a cap of 0; its identity leaves out credentials', () => {
    const target = { baseUrl: 'https://user:s3cret-key@api.example', orgId: 'acme', simulator: { flows: null, seed: 1 } };
    expect(judgeCacheSettings(target, '/none', false, { FLOWBENCH_CACHE_DIR: '/c' })).toBeNull();
    expect(judgeCacheSettings(target, '/none', true, { FLOWBENCH_CACHE_DIR: '/c', FLOWBENCH_JUDGE_CACHE_MAX_MB: '0' })).toBeNull();
    const s = judgeCacheSettings(target, '/none', true, { FLOWBENCH_CACHE_DIR: '/c' })!;
    expect(s.identity).not.toContain('s3cret-key');
    expect(s.identity).toContain('acme');
    // The simulator's answers follow from its flows file and seed: another seed is another judge.
    const sim = { ...target, baseUrl: 'simulator' };
    const flows = join(tempDir(), 'flows.yaml');
    writeFileSync(flows, 'flows: {}\n');
    const a = judgeCacheSettings({ ...sim, simulator: { flows, seed: 1 } }, '/none', true, {})!.identity;
    expect(judgeCacheSettings({ ...sim, simulator: { flows, seed: 2 } }, '/none', true, {})!.identity).not.toBe(a);
    writeFileSync(flows, 'flows: { x: {} }\n');
    expect(judgeCacheSettings({ ...sim, simulator: { flows, seed: 1 } }, '/none', true, {})!.identity).not.toBe(a);
  });
});
