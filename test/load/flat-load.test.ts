// The flat form of a load. test/fixtures/flat-load/specs.json was written by flowbench before the load
// models were a union (LoadSpec one flat object): for the same YAML, the flat form of today's spec must
// be that object, hash to the same manifest settings (so `--resume` of a run begun then still matches),
// and convert back to today's spec. Shards divide a model's settings and merge multiplies them back.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flatLoad, flatSpec, fromFlatSpec, type FlatSpec } from '../../src/load/flat-load.js';
import { modelNamed, modelOf } from '../../src/load/registry.js';
import { suiteSettings } from '../../src/runner/run-manifest.js';
import { shardLoad } from '../../src/shard/partition.js';
import { suiteWith } from '../helpers/drive-load.js';

const OLD = JSON.parse(readFileSync(new URL('../fixtures/flat-load/specs.json', import.meta.url), 'utf8')) as Record<
  string,
  { load: string; flat: FlatSpec; settings: Record<string, string> }
>;
const cases = Object.entries(OLD);

describe('flat load', () => {
  it('the fixture covers every built-in model', () => {
    expect(cases.map(([kind]) => kind).sort()).toEqual(['closed-loop', 'open-loop', 'ramping-concurrency', 'ramping-rate', 'sweep']);
  });

  it.each(cases)('%s: flat form, manifest settings and the conversion back are those of the flat LoadSpec', async (kind, old) => {
    const suite = await suiteWith(old.load);
    expect(suite.load.kind).toBe(kind);
    expect(flatSpec(suite.load)).toEqual(old.flat);
    const settings = Object.fromEntries(Object.entries(suiteSettings(suite)).filter(([k]) => k.startsWith('load.')));
    expect(settings).toEqual(old.settings);
    expect(fromFlatSpec(old.flat)).toEqual(suite.load);
  });

  it.each([
    ['closed-loop', '3 in flight'],
    ['open-loop', '5 req/s poisson, cap 1000 in flight'],
    ['ramping-rate', '2 stage(s)'],
    ['ramping-concurrency', '1 stage(s)'],
    ['sweep', '5 steps 5 -> 50 req/s'],
  ])('%s: the summary line says "%s"', async (kind, line) => {
    const suite = await suiteWith(OLD[kind]!.load);
    expect(modelNamed(kind)?.describe(flatLoad(suite.load))).toBe(line);
  });

  it.each(['open-loop', 'ramping-rate', 'sweep'])("%s: four shards' rates add back up to the suite's (flowbench merge)", async (kind) => {
    const suite = await suiteWith(OLD[kind]!.load);
    const shards = [1, 2, 3, 4].map((index) => flatLoad(shardLoad(suite.load, { index, count: 4 })));
    const whole = flatLoad(suite.load);
    const summed = modelOf(suite.load).sumShards(shards, 4);
    expect(shards[0]).not.toEqual(whole); // each shard ran a quarter
    if (kind === 'open-loop') expect(summed).toEqual({ rate: whole.rate });
    if (kind === 'ramping-rate') expect(summed).toEqual({ stages: whole.stages });
    // min_rate too (merge once kept a shard's share of it here, a quarter of the suite's).
    if (kind === 'sweep') expect(summed).toEqual({ sweep: whole.sweep });
  });

  it("a shard's in-flight counts are whole shares that add up to the fleet's", async () => {
    const suite = await suiteWith(OLD['ramping-concurrency']!.load); // concurrency 12 (the peak), stages 2 -> 12
    const parts = [1, 2, 3, 4].map((index) => shardLoad(suite.load, { index, count: 4 }));
    expect(parts.map((p) => p.concurrency)).toEqual([3, 3, 3, 3]);
    expect(parts.map((p) => flatLoad(p).stages?.[0])).toEqual([1, 2, 3, 4].map(() => ({ kind: 'concurrency', from: 1, to: 3, durationMs: 30_000 })));
    expect(parts.map((p) => p.warmup)).toEqual([{ requests: 2 }, { requests: 1 }, { requests: 1 }, { requests: 1 }]);
  });
});
