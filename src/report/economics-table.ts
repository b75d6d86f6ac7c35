// The terminal's cost, goodput and server-vs-client lines, per variant: shown only when the run has them.
// Drawn with cli-table3 like the main table; renders report.json, computes nothing.
import Table from 'cli-table3';
import type { VariantReport } from './report-model.js';
import { formatUsd } from '../text/usd.js';

const usd = (v: number | null | undefined) => (v === null || v === undefined ? '-' : formatUsd(v));
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

export function renderEconomics(variants: readonly VariantReport[], style: object, chars: object): string | null {
  const out: string[] = [];
  if (variants.some((v) => v.cost || v.goodput)) {
    const t = new Table({ chars, style, head: ['variant', 'cost total', 'cost / answer mean / p95', 'cost / passing answer', 'goodput', 'goodput req/s'] });
    for (const v of variants) {
      const c = v.cost;
      const unknown = c && c.unknown > 0 ? ` (+${c.unknown} unknown)` : '';
      t.push([
        v.name,
        c ? `${usd(c.totalUsd)}${unknown}` : '-',
        c ? `${usd(c.meanUsd)} / ${usd(c.p95Usd)}` : '-',
        c ? usd(c.perPassUsd) : '-',
        v.goodput ? `${v.goodput.good} (${pct(v.goodput.share)})` : '-',
        v.goodput?.rps === null || v.goodput?.rps === undefined ? '-' : v.goodput.rps.toFixed(2),
      ]);
    }
    out.push(t.toString());
    const unpriced = [...new Set(variants.flatMap((v) => v.cost?.unpricedModels ?? []))];
    if (unpriced.length) out.push(`! no price for ${unpriced.join(', ')}: those results' cost is unknown (add them to cost.prices)`);
    for (const line of judgeCostLines(variants)) out.push(`  ${line}`);
  }
  if (variants.some((v) => v.serverVsClient)) {
    const t = new Table({
      chars,
      style,
      head: ['variant', 'server latency p50 / p95 ms', 'gap p50 / p95 / max ms', 'server ok, client failed', 'server failed, client ok'],
    });
    for (const v of variants) {
      const s = v.serverVsClient;
      t.push([
        v.name,
        s?.serverLatencyMs ? `${ms(s.serverLatencyMs.p50)} / ${ms(s.serverLatencyMs.p95)}` : '-',
        s?.gapMs ? `${ms(s.gapMs.p50)} / ${ms(s.gapMs.p95)} / ${ms(s.gapMs.max)}` : '-',
        s ? String(s.serverOkClientFailed) : '-',
        s ? String(s.serverFailedClientOk) : '-',
      ]);
    }
    out.push(t.toString());
  }
  return out.length === 0 ? null : out.join('\n');
}

/** The judge runs' cost per variant, counted apart from the flow's (report.json's cost.judge): one line each. */
export function judgeCostLines(variants: readonly VariantReport[]): string[] {
  return variants.flatMap((v) => {
    const j = v.cost?.judge;
    if (!j) return [];
    const cached = v.judge?.cached ? `, ${v.judge.cached} answers from the cache (not paid again)` : '';
    const unknown = j.unknown ? ` (+${j.unknown} results with a judge run of unknown cost)` : '';
    return [`judge runs for ${v.name}: ${v.judge?.calls ?? 0} made${cached}, cost ${usd(j.totalUsd)}${unknown}: apart from the figures above`];
  });
}
