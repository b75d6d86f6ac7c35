// Reads the timeline a run recorded in report.json (when it has one) into the page's Timeline
// shape. Tolerant by design: an unrecognised shape yields null and the page falls back to the
// timeline derived from results.jsonl.
import type { Report } from '../report-model.js';
import type { Timeline, TimelineSeries } from './timeline.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (o: Obj, ...keys: string[]): number | null => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
};
const nested = (o: Obj, outer: string[], inner: string[]): number | null => {
  for (const k of outer) if (isObj(o[k])) return num(o[k] as Obj, ...inner);
  return null;
};

/** Bucket start in seconds since the run started. */
function bucketSeconds(b: Obj): number | null {
  const s = num(b, 't', 'second', 'sec', 'tS', 'startS');
  if (s !== null) return s;
  const ms = num(b, 'tMs', 'startMs', 'atMs', 'offsetMs', 'start');
  return ms === null ? null : ms / 1000;
}

function series(variant: string, buckets: Obj[], widthS: number): { t: number[]; s: TimelineSeries } {
  const s: TimelineSeries = { variant, throughput: [], errors: [], inFlight: [], latencyP50: [], latencyP99: [] };
  const t: number[] = [];
  for (const b of buckets) {
    const at = bucketSeconds(b);
    if (at === null) continue;
    t.push(at);
    const ok = num(b, 'ok', 'completed', 'succeeded', 'done');
    const rps = num(b, 'throughput', 'rps');
    s.throughput.push(rps ?? (ok === null ? 0 : ok / widthS));
    s.errors.push(num(b, 'errors', 'failed') ?? 0);
    s.inFlight.push(num(b, 'inFlight', 'inflight', 'concurrency', 'active') ?? 0);
    s.latencyP50.push(num(b, 'latencyP50', 'latencyP50Ms', 'p50') ?? nested(b, ['latencyMs', 'latency'], ['p50']));
    s.latencyP99.push(num(b, 'latencyP99', 'latencyP99Ms', 'p99') ?? nested(b, ['latencyMs', 'latency'], ['p99']));
  }
  return { t, s };
}

export function timelineFromReport(report: Report): Timeline | null {
  const raw = (report as unknown as Obj).timeline;
  if (!isObj(raw) && !Array.isArray(raw)) return null;
  const widthMs = (isObj(raw) ? num(raw, 'bucketMs', 'intervalMs', 'resolutionMs') : null) ?? 1000;
  const widthS = widthMs / 1000;
  // Shapes seen: { variants: [{ name|variant, buckets: [...] }] }, { buckets: [{ variant, ... }] }, [...]
  const groups = new Map<string, Obj[]>();
  const vars = isObj(raw) ? raw.variants ?? raw.series : null;
  if (Array.isArray(vars)) {
    for (const v of vars) {
      if (!isObj(v)) continue;
      const name = String(v.name ?? v.variant ?? '');
      const buckets = v.buckets ?? v.points ?? v.seconds;
      if (name && Array.isArray(buckets)) groups.set(name, buckets.filter(isObj));
    }
  } else if (isObj(vars)) {
    for (const [name, buckets] of Object.entries(vars)) if (Array.isArray(buckets)) groups.set(name, buckets.filter(isObj));
  } else {
    const buckets = Array.isArray(raw) ? raw : (raw as Obj).buckets;
    if (!Array.isArray(buckets)) return null;
    for (const b of buckets.filter(isObj)) {
      const name = String(b.variant ?? 'all variants');
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name)!.push(b);
    }
  }
  if (!groups.size) return null;
  // Align every variant on one time axis.
  const parts = [...groups].map(([name, buckets]) => series(name, buckets, widthS));
  const t = [...new Set(parts.flatMap((p) => p.t))].sort((a, b) => a - b);
  if (!t.length) return null;
  const pos = new Map(t.map((v, i) => [v, i]));
  const aligned = parts.map(({ t: own, s }) => {
    const out: TimelineSeries = { variant: s.variant, throughput: t.map(() => 0), errors: t.map(() => 0), inFlight: t.map(() => 0), latencyP50: t.map(() => null), latencyP99: t.map(() => null) };
    own.forEach((at, i) => {
      const j = pos.get(at)!;
      out.throughput[j] = s.throughput[i]!;
      out.errors[j] = s.errors[i]!;
      out.inFlight[j] = s.inFlight[i]!;
      out.latencyP50[j] = s.latencyP50[i]!;
      out.latencyP99[j] = s.latencyP99[i]!;
    });
    return out;
  });
  return { source: 'report', bucketMs: widthMs, t, series: aligned };
}
