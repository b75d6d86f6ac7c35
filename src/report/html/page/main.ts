// Browser side of report.html: the entry point. Reads the embedded JSON, draws every section, then
// inflates the rows and fills the table. Sets body[data-ready] ("charts", then "rows") for tests
// and the benchmark, with performance marks flowbench:charts / :table / :rows. Inlined by source text.
import type { PageData } from '../page-data.js';
import { histogramChart, percentileChart, timelineCharts } from './charts.js';
import { el, section } from './dom.js';
import { conversationsSection } from './conversations.js';
import { harnessSection } from './harness.js';
import { nodesSection } from './nodes.js';
import { requestPlotsSection } from './plots.js';
import { repeatsSection } from './repeats.js';
import { inflateChunk, rowsTable } from './rows-table.js';
import { sweepSection } from './sweep.js';
import { replaySection } from './replay.js';
import { comparisonSection, header, sideBySide, summaryCards, thresholdsSection } from './summary.js';
import { gradersSection, latencyTable, metadataSection, tokensSection } from './tables.js';

export function baselineIndex(d: PageData): number {
  const c = (d.report.comparisons ?? [])[0] as { baseline?: unknown } | undefined;
  const i = c && typeof c.baseline === 'string' ? d.rows.variants.indexOf(c.baseline) : -1;
  return Math.max(i, 0);
}

export function main(): void {
  const d = JSON.parse(document.getElementById('flowbench-data')!.textContent!) as PageData;
  document.title = `flowbench — ${d.report.suite} — ${d.report.verdict}`;
  const root = document.getElementById('app')!;
  const variants = d.rows.variants;
  let table: { setFilter: (name: 'flipped') => void } | null = null;
  const rowsHost = section('rows', 'Rows');
  const nav = el('nav');
  root.append(header(d), nav, summaryCards(d));
  const th = thresholdsSection(d);
  if (th) root.append(th);
  const cmp = comparisonSection(d, () => table?.setFilter('flipped')) ?? sideBySide(d, baselineIndex(d), () => table?.setFilter('flipped'));
  if (cmp) root.append(cmp);
  const rep = repeatsSection(d);
  if (rep) root.append(rep);
  const nodes = nodesSection(d);
  if (nodes) root.append(nodes);

  const pct = section(
    'percentiles',
    'Percentile distribution',
    el(
      'p',
      { class: 'muted' },
      "Value at each percentile, variants overlaid; the percentile axis is logarithmic in 1/(1−p), as in HdrHistogram's plotter. Computed from the HDR histograms in report.json (successful requests).",
    ),
  );
  const hist = section(
    'histograms',
    'Histograms',
    el('p', { class: 'muted' }, 'How many requests took how long, in 40 equal bins over the range every variant shares.'),
  );
  const tl = section('timeline', 'Timeline');
  const lat = section('latency-table', 'Timing percentiles', latencyTable(d));
  root.append(pct, hist, tl);
  const perRequest = requestPlotsSection(d);
  if (perRequest) root.append(perRequest.host);
  const sweep = sweepSection(d);
  if (sweep) root.append(sweep);
  const replayed = replaySection(d);
  if (replayed) root.append(replayed);
  root.append(lat);
  const conv = conversationsSection(d);
  if (conv) root.append(conv);
  for (const extra of [harnessSection(d), tokensSection(d), gradersSection(d), metadataSection(d)]) if (extra) root.append(extra);
  root.append(rowsHost);
  // Links to the sections this report has.
  for (const s of Array.from(root.querySelectorAll('section'))) nav.appendChild(el('a', { href: `#${s.id}` }, s.querySelector('h2')?.textContent ?? s.id));

  const grid = (host: HTMLElement) => host.appendChild(el('div', { class: 'chart-grid' }));
  const pg = grid(pct);
  percentileChart(pg, 'Latency by percentile (ms)', d.curves.latency, variants);
  percentileChart(pg, 'TTFT by percentile (ms)', d.curves.ttft, variants);
  percentileChart(pg, 'Inter-token latency by percentile (ms)', d.curves.itl, variants);
  const hg = grid(hist);
  histogramChart(hg, 'Latency histogram', d.bins.latency, variants);
  histogramChart(hg, 'TTFT histogram', d.bins.ttft, variants);
  if (d.timeline?.t.length) {
    tl.appendChild(
      el(
        'p',
        { class: 'muted' },
        `${d.timeline.bucketMs / 1000}-second buckets by completion time, recorded during the run (report.json's timeline); latency percentiles from each bucket's HDR histogram. In flight: requests scheduled and not yet ended at the end of the bucket.`,
      ),
    );
    timelineCharts(grid(tl), d.timeline, variants);
  } else {
    tl.appendChild(el('p', { class: 'muted' }, 'No timeline: the run recorded no timestamps.'));
  }
  perRequest?.draw();
  document.body.setAttribute('data-ready', 'charts');
  performance.mark('flowbench:charts');

  const loading = el('p', { class: 'muted', id: 'rows-loading' }, `Loading ${d.rows.count.toLocaleString('en-US')} results…`);
  rowsHost.appendChild(loading);
  const t = rowsTable(rowsHost, d, baselineIndex(d));
  table = { setFilter: () => t.showFlipped() };
  const chunks = Array.from(document.querySelectorAll('script.flowbench-rows')).map((s) => s.textContent ?? '');
  const strings: string[] = [];
  // One chunk at a time, yielding between them, so the page paints and answers clicks meanwhile.
  const step = (i: number): void => {
    if (i >= chunks.length) {
      loading.remove();
      t.done();
      document.body.setAttribute('data-ready', 'rows');
      performance.mark('flowbench:rows');
      return;
    }
    inflateChunk(chunks[i]!, strings).then(
      (rows) => {
        t.add(rows);
        loading.textContent = `Loaded ${Math.min(d.rows.count, (i + 1) * rows.length).toLocaleString('en-US')} of ${d.rows.count.toLocaleString('en-US')} results…`;
        if (i === 0) {
          document.body.setAttribute('data-ready', 'table');
          performance.mark('flowbench:table');
        }
        setTimeout(() => step(i + 1), 0);
      },
      (err: unknown) => {
        loading.textContent = `The rows could not be read in this browser (${String(err)}); results.jsonl has them.`;
        console.error(err);
      },
    );
  };
  step(0);
}
