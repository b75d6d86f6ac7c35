// Sweep (GuideLLM's sweep profile): successive open-loop steps at evenly spaced rates, each `duration`
// long and drained before the next; per-step figures and the sustainable rate go in report.json `sweep`.
import { nowMs } from '../../clock/clock.js';
import type { FieldSchema, SchemaType } from '../../suite/suite-schema.js';
import type { LoadBase, SweepSpec } from '../../suite/types.js';
import type { LoadModelDef } from './model-def.js';
import { OPEN_LOOP_DEFAULT_CAP } from './open-loop.js';

export interface SweepLoad extends LoadBase {
  kind: 'sweep';
  sweep: SweepSpec;
}

const SWEEP: SchemaType = {
  kind: 'object',
  fields: {
    from: { type: { kind: 'number', min: 0, exclusiveMin: true }, required: true, doc: 'First rate, requests/s.' },
    to: { type: { kind: 'number', min: 0, exclusiveMin: true }, required: true, doc: 'Last rate, requests/s.' },
    steps: { type: { kind: 'integer', min: 2 }, default: 5, doc: 'Number of rates (evenly spaced).' },
    duration: { type: { kind: 'duration' }, required: true, doc: 'Length of each step.' },
    min_rate: {
      type: { kind: 'number', min: 0, exclusiveMin: true },
      doc: 'Requests/s the sustainable rate must reach for the sweep to pass (exit 0); default: any sustainable rate passes.',
    },
    by: {
      type: { kind: 'string', enum: ['thresholds', 'goodput'] },
      default: 'thresholds',
      doc: 'The sustainable rate: the highest step rate meeting the thresholds, or (goodput) the step rate of the highest goodput, which needs `goodput:` (docs/cost.md).',
    },
  },
};
const SWEEP_FIELD: FieldSchema = { type: SWEEP, default: null, doc: 'Open-loop rates from `from` to `to` in `steps` steps of `duration` each.' };

/** The rates of a sweep's steps, evenly spaced from `from` to `to`. */
export function sweepRates(sweep: { from: number; to: number; steps: number }): number[] {
  return Array.from({ length: sweep.steps }, (_, i) => {
    const r = sweep.from + ((sweep.to - sweep.from) * i) / (sweep.steps - 1);
    return Math.round(r * 1000) / 1000;
  });
}

/**
 * The sustainable rate ("goodput"): the highest step rate whose step met every threshold, or null when
 * none did. Steps are judged each on their own: a passing rate above a failing one still counts.
 */
export function sustainableRate(steps: readonly { rate: number; thresholdsOk: boolean }[]): number | null {
  let best: number | null = null;
  for (const s of steps) if (s.thresholdsOk && (best === null || s.rate > best)) best = s.rate;
  return best;
}

/**
 * `sweep.by: goodput`: the step rate whose goodput (good requests/s) was highest, the lowest such rate on a
 * tie (more load for no more good answers is not sustainable); null when no step had a good request.
 */
export function peakGoodputRate(steps: readonly { rate: number; goodputRps?: number | null }[]): number | null {
  let best: { rate: number; g: number } | null = null;
  for (const s of steps) {
    const g = s.goodputRps ?? 0;
    if (g > 0 && (best === null || g > best.g || (g === best.g && s.rate < best.rate))) best = { rate: s.rate, g };
  }
  return best?.rate ?? null;
}

export const sweep: LoadModelDef<SweepLoad> = {
  kind: 'sweep',
  key: 'sweep',
  fields: { sweep: SWEEP_FIELD },
  openLoop: true,
  endsOnItsOwn: true,
  clashes: { rate: { message: 'load.sweep and load.rate both set the rate', hint: 'remove load.rate: the sweep runs each of its rates in turn' } },
  selects: (raw) => Boolean(raw.sweep),
  parse(raw, ctx) {
    const w = raw.sweep as Record<string, unknown>;
    const s: SweepSpec = {
      from: w.from as number,
      to: w.to as number,
      steps: w.steps as number,
      durationMs: w.duration as number,
      minRate: (w.min_rate as number | undefined) ?? null,
      ...(w.by === 'goodput' && { by: 'goodput' as const }),
    };
    // A sustainable rate is one of the step rates, so a min_rate above the top one could never pass.
    const top = Math.max(s.from, s.to);
    if (s.minRate !== null && s.minRate > top) {
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['load', 'sweep', 'min_rate']),
          `load.sweep.min_rate ${s.minRate} is above every step rate (the top one is ${top} req/s)`,
          'raise sweep.to to at least min_rate, or lower min_rate',
        ),
      );
    }
    return { kind: 'sweep', sweep: s };
  },
  defaultConcurrency: () => OPEN_LOOP_DEFAULT_CAP,
  warmupLevel: (s) => ({ rate: s.sweep.from }),
  // Not cut by `requests` or `duration`: the steps are the run.
  planned: (s) => ({ requests: null, ms: s.sweep.steps * s.sweep.durationMs }),
  share: (s, d) => ({
    ...s,
    sweep: { ...s.sweep, from: d.rate(s.sweep.from), to: d.rate(s.sweep.to), minRate: s.sweep.minRate ? d.rate(s.sweep.minRate) : null },
  }),
  flat: (s) => ({ sweep: s.sweep }),
  // Every rate of a shard's sweep is its share: the fleet's are the shares times the shard count.
  sumShards: (loads, count) => {
    const first = loads[0]?.sweep;
    return {
      sweep: first ? { ...first, from: first.from * count, to: first.to * count, minRate: first.minRate === null ? null : first.minRate * count } : null,
    };
  },
  describe: (l) => `${l.sweep?.steps} steps ${l.sweep?.from} -> ${l.sweep?.to} req/s`,
  limits: (s) => [{ path: ['load', 'sweep', s.sweep.to >= s.sweep.from ? 'to' : 'from'], value: Math.max(s.sweep.from, s.sweep.to), kind: 'rate' }],
  async drive(s, ctx) {
    // One plan across steps, so rows keep cycling rather than restarting at row 0 every step.
    const shared = ctx.rows();
    const stepMs = s.sweep.durationMs;
    for (const [i, rate] of sweepRates(s.sweep).entries()) {
      if (ctx.stopped()) break;
      const startAt = nowMs() + 1;
      const r = await ctx.openLoop(shared, { stages: [{ rate, to: rate, durationMs: stepMs }], maxRequests: null, cutMs: null, step: i, windowMs: stepMs });
      ctx.absorb(r);
      ctx.step({ rate, startAt: r.startAt ?? startAt, endAt: nowMs(), started: r.started, sent: r.inWindow });
    }
  },
};
