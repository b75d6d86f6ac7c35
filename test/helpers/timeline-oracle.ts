// The timeline report.json should hold for a set of results, worked out the slow, obvious way (every
// result's values kept per second, one fresh HDR histogram per bucket), independently of
// src/metrics/timeline.ts: tests compare the run's, the merge's and the rebuild's timeline with it exactly.
import * as hdr from 'hdr-histogram-js';
import { legacyOutputTokens } from '../../src/metrics/output-tokens.js';
import type { TimelineBucket } from '../../src/metrics/timeline.js';
import type { ResultRecord } from '../../src/record/result-record.js';

type Line = Pick<ResultRecord, 'variant' | 'ok' | 'latencyMs' | 'ttftMs' | 'timestamps' | 'outputTokens' | 'metadata' | 'output'> & { warmup?: boolean };

interface Second {
  sent: number;
  completed: number;
  failed: number;
  tokens: number;
  latency: number[];
  ttft: number[];
}

const sec = (ms: number) => Math.max(0, Math.floor(ms / 1000));

function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const h = hdr.build({ numberOfSignificantValueDigits: 3, highestTrackableValue: 3_600_000_000 });
  for (const v of values) h.recordValue(Math.round(v * 1000));
  return Math.round(h.getValueAtPercentile(p)) / 1000;
}

/** Buckets of `width` seconds over the seconds `keep` keeps, as report.json's timeline should have them. */
export function expectedTimeline(lines: Line[], variants: string[], opts: { width?: number; keep?: (t: number) => boolean } = {}): TimelineBucket[] {
  const width = opts.width ?? 1;
  const keep = opts.keep ?? (() => true);
  const measured = lines.filter((l) => !l.warmup && variants.includes(l.variant));
  if (!measured.length) return [];
  const per = new Map<string, Second>();
  const at = (variant: string, t: number) => {
    const k = `${variant}@${t}`;
    let s = per.get(k);
    if (!s) per.set(k, (s = { sent: 0, completed: 0, failed: 0, tokens: 0, latency: [], ttft: [] }));
    return s;
  };
  let first = Infinity;
  let last = 0;
  for (const l of measured) {
    const ts = l.timestamps;
    first = Math.min(first, sec(ts.scheduled));
    last = Math.max(last, sec(ts.scheduled), sec(ts.end), ...ts.contentFrames.map(sec));
    at(l.variant, sec(ts.scheduled)).sent++;
    const end = at(l.variant, sec(ts.end));
    if (!l.ok) {
      end.failed++;
      continue;
    }
    end.completed++;
    end.latency.push(l.latencyMs);
    if (l.ttftMs !== null) end.ttft.push(l.ttftMs);
    const n = Math.round((l.outputTokens ?? legacyOutputTokens(l)).count);
    const frames = ts.contentFrames.length ? ts.contentFrames : [ts.end];
    frames.forEach((f, i) => {
      at(l.variant, sec(f)).tokens += Math.floor(((i + 1) * n) / frames.length) - Math.floor((i * n) / frames.length);
    });
  }
  const kept: number[] = [];
  for (let t = first; t <= last; t++) if (keep(t)) kept.push(t);
  const groups = new Map<number, number[]>();
  for (const t of kept) {
    const g = Math.floor(t / width) * width;
    groups.set(g, [...(groups.get(g) ?? []), t]);
  }
  const out: TimelineBucket[] = [];
  for (const [g, seconds] of groups) {
    const end = seconds[seconds.length - 1]!;
    for (const variant of variants) {
      const s = seconds.map((t) => at(variant, t));
      const sum = (f: (x: Second) => number) => s.reduce((a, x) => a + f(x), 0);
      const latency = s.flatMap((x) => x.latency);
      const ttft = s.flatMap((x) => x.ttft);
      out.push({
        variant,
        t: g,
        widthS: width,
        sent: sum((x) => x.sent),
        completed: sum((x) => x.completed),
        failed: sum((x) => x.failed),
        inFlight: measured.filter((l) => l.variant === variant && sec(l.timestamps.scheduled) <= end && sec(l.timestamps.end) > end).length,
        outputTokens: sum((x) => x.tokens),
        latencyP50Ms: percentile(latency, 50),
        latencyP99Ms: percentile(latency, 99),
        ttftP50Ms: percentile(ttft, 50),
        ttftP99Ms: percentile(ttft, 99),
      });
    }
  }
  return out;
}
