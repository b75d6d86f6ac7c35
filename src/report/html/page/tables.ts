// Browser side of report.html: the number tables — timings (every ms metric the report has), tokens,
// graders and metadata metrics, per variant. Inlined by source text like dom.ts.
import type { MetricSummary } from '../../../metrics/histogram.js';
import type { PageData } from '../page-data.js';
import { el, fmtMs, fmtNum, fmtPct, section, table } from './dom.js';

type VariantData = PageData['report']['variants'][number];

/** A summary field of a variant, when the report has it (newer fields are optional to older reports). */
export function summaryOf(v: VariantData, key: string): MetricSummary | null {
  const m = (v as unknown as Record<string, unknown>)[key];
  return typeof m === 'object' && m !== null && typeof (m as MetricSummary).p50 === 'number' ? (m as MetricSummary) : null;
}

export function latencyTable(d: PageData): HTMLElement {
  // Module-level constants are not inlined into the page: only functions are.
  const STATS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
  const metrics: [string, string][] = [
    ['TTFB', 'ttfbMs'],
    ['TTFT', 'ttftMs'],
    ['inter-token', 'itlMs'],
    ['time per output token', 'tpotMs'],
    ['latency', 'latencyMs'],
    ['service time (from send)', 'serviceMs'],
    ['harness queue', 'queueMs'],
    ['scheduler lag', 'sendLagMs'],
  ];
  const shown = metrics.filter(([, key]) => d.report.variants.some((v) => summaryOf(v, key)));
  const rows = d.report.variants.flatMap((v) =>
    shown.map(([label, key]) => {
      const m = summaryOf(v, key);
      return [v.name, label, m ? fmtNum(m.count) : '–', ...STATS.map((s) => (m ? fmtMs(m[s]) : '–'))];
    }),
  );
  return table(['variant', 'metric', 'count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'], rows);
}

export function tokensSection(d: PageData): HTMLElement | null {
  // 'estimate' (characters / 4) is in reports written before flowbench counted with a tokenizer.
  const SOURCE_LABEL: Record<string, string> = { metadata: 'run metadata', tokenizer: 'o200k tokenizer', estimate: 'characters / 4' };
  const rows = d.report.variants.flatMap((v) => {
    const tokens = summaryOf(v, 'outputTokens');
    const perReq = summaryOf(v, 'tokensPerSecond');
    const overall = (v as unknown as { outputTokensPerSecond?: number | null }).outputTokensPerSecond;
    if (!tokens && !perReq && typeof overall !== 'number') return [];
    const src = (v as unknown as { outputTokensSource?: Record<string, number> }).outputTokensSource;
    return [
      [
        v.name,
        tokens ? `${fmtNum(tokens.mean)} / ${fmtNum(tokens.p50)} / ${fmtNum(tokens.p95)}` : '–',
        perReq ? `${fmtNum(perReq.p50)} / ${fmtNum(perReq.p95)}` : '–',
        typeof overall === 'number' ? fmtNum(overall) : '–',
        src
          ? Object.entries(src)
              .filter(([, n]) => n > 0)
              .map(([k, n]) => `${SOURCE_LABEL[k] ?? k} ×${n}`)
              .join(', ')
          : '–',
      ],
    ];
  });
  if (!rows.length) return null;
  return section(
    'tokens',
    'Output tokens',
    table(['variant', 'tokens per answer mean / p50 / p95', 'tokens/s per request p50 / p95', 'output tokens/s (run)', 'counted from'], rows),
  );
}

export function gradersSection(d: PageData): HTMLElement | null {
  type Tally = { passed: number; failed: number; errors: number; meanScore: number | null };
  const per = d.report.variants.map((v) => (v as unknown as { graders?: Record<string, Tally> }).graders ?? {});
  const names = [...new Set(per.flatMap((g) => Object.keys(g)))];
  if (!names.length) return null;
  const rows = names.map((n) => [
    n,
    ...per.map((g) => {
      const t = g[n];
      if (!t) return '–';
      const total = t.passed + t.failed;
      return `${fmtPct(total ? t.passed / total : null)} (${t.passed}/${total})${t.meanScore === null ? '' : `, score ${fmtNum(t.meanScore)}`}${t.errors ? `, ${t.errors} errors` : ''}`;
    }),
  ]);
  return section(
    'graders',
    'Graders',
    el('p', { class: 'muted' }, 'Pass rate of each grader per variant (a row passes when every grader passes).'),
    table(['grader', ...d.report.variants.map((v) => v.name)], rows),
  );
}

export function metadataSection(d: PageData): HTMLElement | null {
  const names = [...new Set(d.report.variants.flatMap((v) => Object.keys(v.metadataMetrics ?? {})))];
  if (!names.length) return null;
  const rows = d.report.variants.flatMap((v) =>
    names.map((n) => {
      const m = v.metadataMetrics[n];
      return [
        v.name,
        n,
        m ? fmtNum(m.count) : '–',
        m ? fmtNum(m.mean) : '–',
        m ? fmtNum(m.p50) : '–',
        m ? fmtNum(m.p95) : '–',
        m ? fmtNum(m.max) : '–',
        m ? fmtNum(m.sum) : '–',
      ];
    }),
  );
  return section('metadata', 'Metadata metrics', table(['variant', 'field', 'count', 'mean', 'p50', 'p95', 'max', 'sum'], rows));
}
