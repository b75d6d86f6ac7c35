// The data report.html embeds: the report's numbers, percentile curves and bins decoded from its
// HDR histograms, the timeline and the row counts. Computed here so the page only draws.
import { percentileCurve, valueBins } from '../../metrics/histogram.js';
import type { Report, VariantReport } from '../report-model.js';
import type { FlipDiffs } from './flip-diffs.js';
import type { PlotData } from './plot-data.js';
import { TEXT_LIMITS, type RowsData } from './rows.js';
import { pageTimeline, type Timeline } from './report-timeline.js';

export interface Curve {
  variant: string;
  /** 1/(1-p): the log x axis of HdrHistogram's percentile plot. */
  x: number[];
  ms: number[];
  percentile: number[];
}

export interface Bins {
  variant: string;
  fromMs: number;
  widthMs: number;
  counts: number[];
}

export interface PageData {
  generator: string;
  generatedAt: string;
  /** report.json without what the page draws from elsewhere (histograms → curves, timeline → timeline). */
  report: Omit<Report, 'variants' | 'timeline'> & { variants: Omit<VariantReport, 'histograms'>[] };
  curves: Record<'latency' | 'ttft' | 'itl', Curve[]>;
  bins: Record<'latency' | 'ttft', Bins[]>;
  timeline: Timeline | null;
  rows: { count: number; warmups: number; truncatedOutputs: number; variants: string[]; limits: typeof TEXT_LIMITS };
  /** GenAI-Perf-style plots from results.jsonl; null without results. */
  plots: PlotData | null;
  /** Word diffs of flipped rows' outputs; null without results. */
  diffs: FlipDiffs | null;
}

function curves(variants: VariantReport[], metric: 'latency' | 'ttft' | 'itl'): Curve[] {
  const out: Curve[] = [];
  for (const v of variants) {
    const b64 = v.histograms?.[metric];
    if (!b64) continue;
    const pts = percentileCurve(b64);
    if (pts.length) out.push({ variant: v.name, x: pts.map((p) => p.x), ms: pts.map((p) => p.ms), percentile: pts.map((p) => p.percentile) });
  }
  return out;
}

function bins(variants: VariantReport[], metric: 'latency' | 'ttft'): Bins[] {
  // One range and bin width across variants, so overlaid bars compare like with like.
  const key = metric === 'latency' ? 'latencyMs' : 'ttftMs';
  const parts = variants.filter((v) => v[key] && v.histograms?.[metric]);
  if (!parts.length) return [];
  const lo = Math.min(...parts.map((v) => v[key]!.min));
  const hi = Math.max(...parts.map((v) => v[key]!.max));
  const out: Bins[] = [];
  for (const v of parts) {
    const b = valueBins(v.histograms[metric], 40, { fromMs: lo, toMs: Math.max(hi, lo + 0.04) });
    if (b) out.push({ variant: v.name, ...b });
  }
  return out;
}

export function buildPageData(report: Report, rows: RowsData, generator: string, fromResults: { plots: PlotData; diffs: FlipDiffs } | null = null): PageData {
  const { variants, timeline: _timeline, ...rest } = report;
  return {
    generator,
    generatedAt: new Date().toISOString(),
    report: { ...rest, variants: variants.map(({ histograms: _h, ...v }) => v) },
    curves: { latency: curves(variants, 'latency'), ttft: curves(variants, 'ttft'), itl: curves(variants, 'itl') },
    bins: { latency: bins(variants, 'latency'), ttft: bins(variants, 'ttft') },
    timeline: pageTimeline(report),
    rows: { count: rows.count, warmups: rows.warmups, truncatedOutputs: rows.truncatedOutputs, variants: rows.variants, limits: TEXT_LIMITS },
    plots: fromResults?.plots ?? null,
    diffs: fromResults?.diffs ?? null,
  };
}
