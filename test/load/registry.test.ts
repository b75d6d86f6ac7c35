// The load-model registry: a model is one module and one registry entry. A demonstration model defined
// here (fixed-size bursts) is registered through the public API, then loaded from YAML, validated,
// planned, sharded and driven end to end by driveLoad, with exact counts. The CLI cannot load a model
// from outside (and report.json names only the built-in models), so the in-process path is the honest one.
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyLoadSpec, LoadModelDef } from '../../src/load/models/model-def.js';
import { loadModels, modelFields, modelNamed, modelOf, registerLoadModel } from '../../src/load/registry.js';
import { nowMs } from '../../src/clock/clock.js';
import { driveLoad } from '../../src/runner/drive-load.js';
import { plannedWork } from '../../src/runner/planned.js';
import { shardLoad } from '../../src/shard/partition.js';
import { ConfigError } from '../../src/errors/config-error.js';
import type { LoadBase } from '../../src/suite/types.js';
import { fakeSend, ROWS, suiteWith } from '../helpers/drive-load.js';

interface BurstLoad extends LoadBase {
  kind: 'burst';
  burst: { size: number; times: number; gapMs: number };
}

/** `load: { burst: { size: 4, times: 3, gap: 20ms } }`: `times` bursts of `size` requests sent at once, `gap` apart. */
const burst: LoadModelDef<BurstLoad> = {
  kind: 'burst',
  key: 'burst',
  fields: {
    burst: {
      doc: 'Bursts of requests sent at once.',
      type: {
        kind: 'object',
        fields: {
          size: { type: { kind: 'integer', min: 1 }, required: true, doc: 'Requests per burst.' },
          times: { type: { kind: 'integer', min: 1 }, default: 1, doc: 'Bursts.' },
          gap: { type: { kind: 'duration' }, default: '10ms', doc: 'Time between bursts.' },
        },
      },
    },
  },
  openLoop: false,
  endsOnItsOwn: true,
  selects: (raw) => raw.burst !== undefined && raw.burst !== null,
  parse(raw) {
    const b = raw.burst as { size: number; times: number; gap: number };
    return { kind: 'burst', burst: { size: b.size, times: b.times, gapMs: b.gap } };
  },
  defaultConcurrency: (own) => own.burst.size,
  warmupLevel: (s) => ({ concurrency: s.burst.size }),
  planned: (s) => ({ requests: s.burst.size * s.burst.times, ms: null }),
  share: (s, d) => ({ ...s, burst: { ...s.burst, size: d.count(s.burst.size) } }),
  flat: () => ({}),
  sumShards: () => ({}),
  describe: (l) => `bursts of ${l.concurrency}`,
  limits: (s) => [{ path: ['load', 'burst', 'size'], value: s.burst.size, kind: 'in-flight' }],
  async drive(s, ctx) {
    const rows = ctx.rows();
    for (let i = 0; i < s.burst.times && !ctx.stopped(); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, s.burst.gapMs));
      const batch = [];
      for (let k = 0; k < s.burst.size; k++) {
        const next = await rows.next();
        if (next.done) break;
        batch.push(next.value);
      }
      const at = nowMs();
      await Promise.all(batch.map((p) => ctx.send(p, { scheduledAt: at, lagMs: 0, delayed: false })));
      ctx.absorb({ started: batch.length, delayed: 0, maxLagMs: 0 });
    }
  },
};

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
  unregister = null;
});

describe('load model registry', () => {
  it("lists the built-in models under report.json's names, and each key of theirs once", () => {
    expect(loadModels().map((m) => m.kind)).toEqual(['closed-loop', 'open-loop', 'ramping-rate', 'ramping-concurrency', 'sweep', 'replay']);
    expect(Object.keys(modelFields())).toEqual(['rate', 'stages', 'sweep', 'replay']);
    expect(modelNamed('sweep')?.key).toBe('sweep');
    expect(modelNamed('no-such-model')).toBeUndefined();
  });

  it('refuses a second model of the same name, and a key two models define differently', () => {
    const other = burst as unknown as LoadModelDef<AnyLoadSpec>; // renamed below: no longer a BurstLoad model
    expect(() => registerLoadModel({ ...other, kind: 'sweep' })).toThrow(/already registered/);
    unregister = registerLoadModel({ ...other, kind: 'burst-2', fields: { rate: { type: { kind: 'integer' }, doc: 'another rate' } } });
    expect(() => modelFields()).toThrow(/load\.rate is defined by two load models differently/);
  });

  it('a registered model runs end to end: YAML, defaults, planned work and driveLoad, with exact counts', async () => {
    unregister = registerLoadModel(burst);
    const suite = await suiteWith('{ burst: { size: 4, times: 3 } }');
    expect(suite.load).toMatchObject({ kind: 'burst', burst: { size: 4, times: 3, gapMs: 10 }, concurrency: 4, iterations: null });
    expect(plannedWork(suite, ROWS)).toEqual({ requests: 12, ms: null });
    const f = fakeSend(15);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out).toMatchObject({ model: 'burst', started: 12, warmupStarted: 0 });
    // Rows cycle (the model ends on its own), four at a time: all of a burst in flight together.
    expect(f.sent.map((s) => s.row)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(f.peak()).toBe(4);
    expect(modelOf(suite.load).describe({ ...suite.load, model: 'burst', rate: null, stages: null, sweep: null })).toBe('bursts of 4');
  });

  it('a registered model is sharded by its own rule, warms up at its level, and is judged by the caps', async () => {
    unregister = registerLoadModel(burst);
    const suite = await suiteWith('{ burst: { size: 5, times: 2 }, warmup: 3 }');
    expect(shardLoad(suite.load, { index: 1, count: 2 })).toMatchObject({ burst: { size: 3 }, concurrency: 3, warmup: { requests: 2 } });
    const f = fakeSend(5);
    const out = await driveLoad(suite, f.send, () => false, undefined, { index: 2, count: 2 });
    expect(out).toMatchObject({ started: 4, warmupStarted: 1 }); // shard 2 of 2: bursts of 2, a warm-up of 1
    const err = await suiteWith('{ burst: { size: 20000 } }').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/load\.burst\.size 20,000 is over the 10,000 requests in flight/);
  });

  it("a section naming two models is refused at the more specific one; an unregistered model's key is unknown", async () => {
    unregister = registerLoadModel(burst);
    const both = await suiteWith('{ burst: { size: 2 }, rate: 5 }').catch((e: unknown) => e);
    expect((both as ConfigError).message).toMatch(/load\.burst and load\.rate cannot be combined/);
    unregister();
    unregister = null;
    const gone = await suiteWith('{ burst: { size: 2 } }').catch((e: unknown) => e);
    expect((gone as ConfigError).message).toMatch(/unknown key 'burst' in load/);
  });
});
