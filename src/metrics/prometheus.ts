// The live figures of a run as a prom-client Registry of its own (never the global one): every value is read
// from the main thread's running totals when Prometheus scrapes, so a result costs nothing extra here and the
// counts are exactly what report.json will say. Metric list and units: docs/live-metrics.md.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import { LIVE_BOUNDS_MS, type LiveTiming } from './live-buckets.js';
import type { LiveVariantView } from './variant-stats.js';

/** What the endpoint reads on each scrape; set once the run's totals exist (before that, only the run's info is served). */
export interface LiveRunSource {
  /** Per variant, in suite order. */
  variants(): readonly LiveVariantView[];
  /** Requests handed to the request threads and not yet back, per variant (a closed loop hands some over early, held for a free slot). */
  inFlight(): readonly number[];
  /** Requests running in the request threads (sent, not finished), all variants, as the threads last reported. */
  running(): number;
  warmupDone(): number;
  /** The load is over and the last figures are in. */
  finished(): boolean;
  /** The main thread watching itself (null before the run's watch starts). */
  mainThread(): ThreadWatchSnapshot | null;
}

/** Labels of flowbench_run_info: names only, never the target's address or token. */
export interface LiveRunInfo {
  suite: string;
  flowId: string;
  mode: string;
  /** "2/4" for `--shard 2/4`, "" otherwise. */
  shard: string;
  version: string;
}

type Labels = Record<string, string>;
type Sample = [Labels, number];

const HISTOGRAMS: { timing: LiveTiming; name: string; help: string }[] = [
  { timing: 'ttft', name: 'flowbench_ttft_seconds', help: 'Time to first token of successful requests, from the scheduled send.' },
  { timing: 'latency', name: 'flowbench_latency_seconds', help: 'Total latency of successful requests, from the scheduled send.' },
  { timing: 'itl', name: 'flowbench_itl_seconds', help: 'Inter-token latency: the gaps between content frames of successful streams.' },
  { timing: 'queue', name: 'flowbench_queue_seconds', help: 'Time the harness held each request before its first attempt (send lag and pool queueing).' },
  {
    timing: 'sendLag',
    name: 'flowbench_send_lag_seconds',
    help: 'Scheduler lateness of each send (handed to the pool minus scheduled): the harness distorting an open loop.',
  },
];

/**
 * A histogram whose buckets are counted elsewhere (metrics/live-buckets.ts, exact and merged across threads):
 * prom-client has no call to set a bucket's count, so this one answers its values itself, in prom-client's
 * own shape (held by test/metrics/prometheus.test.ts against the pinned version).
 */
class CountedHistogram extends Histogram<'variant'> {
  constructor(
    private readonly metricName: string,
    private readonly helpText: string,
    registry: Registry,
    private readonly timing: LiveTiming,
    private readonly read: () => { variant: string; view: LiveVariantView }[],
  ) {
    super({ name: metricName, help: helpText, labelNames: ['variant'], buckets: LIVE_BOUNDS_MS[timing].map((ms) => ms / 1000), registers: [registry] });
  }

  /** What the registry renders (its text path calls this, get() too). */
  async getForPromString() {
    const values: { labels: Labels; sharedLabels: Labels; value: number; metricName: string }[] = [];
    const bounds = LIVE_BOUNDS_MS[this.timing];
    for (const { variant, view } of this.read()) {
      const b = view.buckets.view(this.timing);
      const shared = { variant };
      let acc = 0;
      bounds.forEach((ms, i) => {
        acc += b.counts[i]!;
        values.push({ labels: { le: String(ms / 1000) }, sharedLabels: shared, value: acc, metricName: `${this.metricName}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: shared, value: b.count, metricName: `${this.metricName}_bucket` });
      values.push({ labels: {}, sharedLabels: shared, value: b.sumMs / 1000, metricName: `${this.metricName}_sum` });
      values.push({ labels: {}, sharedLabels: shared, value: b.count, metricName: `${this.metricName}_count` });
    }
    return { name: this.metricName, help: this.helpText, type: 'histogram', values, aggregator: 'sum' };
  }
}

/** The run's registry; `source()` is null until the run's totals exist. */
export function liveRegistry(info: LiveRunInfo, source: () => LiveRunSource | null, names: readonly string[]): Registry {
  const registry = new Registry();
  const perVariant = () => {
    const s = source();
    return s === null ? [] : s.variants().map((view, i) => ({ variant: names[i] ?? String(i), view }));
  };
  const counter = (name: string, help: string, labelNames: string[], samples: () => Sample[]) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, v] of samples()) this.inc(labels, v);
      },
    });
  const gauge = (name: string, help: string, labelNames: string[], samples: () => Sample[]) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, v] of samples()) this.set(labels, v);
      },
    });

  gauge('flowbench_run_info', 'The run: suite, flow, mode, shard and flowbench version (always 1).', ['suite', 'flow_id', 'mode', 'shard', 'version'], () => [
    [{ suite: info.suite, flow_id: info.flowId, mode: info.mode, shard: info.shard, version: info.version }, 1],
  ]);
  gauge('flowbench_run_finished', '1 once the load is over and the final counts are in (the endpoint lingers), else 0.', [], () => [
    [{}, source()?.finished() === true ? 1 : 0],
  ]);
  counter('flowbench_requests_total', 'Measured requests finished, by variant and outcome: ok or the error kind.', ['variant', 'outcome'], () =>
    perVariant().flatMap(({ variant, view }) => {
      const kinds = Object.entries(view.errorKinds);
      const classified = kinds.reduce((n, [, c]) => n + c, 0);
      const unclassified = view.counts.requests - view.counts.ok - classified;
      return [
        [{ variant, outcome: 'ok' }, view.counts.ok] as Sample,
        ...kinds.map(([kind, n]): Sample => [{ variant, outcome: kind }, n]),
        ...(unclassified > 0 ? [[{ variant, outcome: 'unclassified' }, unclassified] as Sample] : []),
      ];
    }),
  );
  counter('flowbench_warmup_requests_total', 'Warm-up requests finished (kept out of every other figure).', [], () => [[{}, source()?.warmupDone() ?? 0]]);
  counter('flowbench_retries_total', 'Attempts beyond the first, by variant.', ['variant'], () =>
    perVariant().map(({ variant, view }) => [{ variant }, view.counts.retries]),
  );
  gauge(
    'flowbench_requests_in_flight',
    'Requests handed to the request threads and not yet finished, by variant (running, or held in a thread for the next free slot).',
    ['variant'],
    () => {
      const flying = source()?.inFlight() ?? [];
      return names.map((variant, i) => [{ variant }, flying[i] ?? 0]);
    },
  );
  gauge('flowbench_requests_running', 'Requests running in the request threads (all variants), as the threads last reported.', [], () => [
    [{}, source()?.running() ?? 0],
  ]);
  counter('flowbench_rows_graded_total', "Graded results by variant and verdict (the row's pass over all its graders).", ['variant', 'result'], () =>
    perVariant().flatMap(({ variant, view }): Sample[] => [
      [{ variant, result: 'passed' }, view.counts.passed],
      [{ variant, result: 'failed' }, view.counts.graded - view.counts.passed],
    ]),
  );
  counter(
    'flowbench_grades_total',
    'Grades by variant, grader and result: passed, failed or error (the grader could not run).',
    ['variant', 'grader', 'result'],
    () =>
      perVariant().flatMap(({ variant, view }) =>
        view.graders.flatMap((g): Sample[] => [
          [{ variant, grader: g.grader, result: 'passed' }, g.passed],
          [{ variant, grader: g.grader, result: 'failed' }, g.failed],
          [{ variant, grader: g.grader, result: 'error' }, g.errors],
        ]),
      ),
  );
  for (const h of HISTOGRAMS) new CountedHistogram(h.name, h.help, registry, h.timing, perVariant);
  counter(
    'flowbench_harness_stalled_results_total',
    "Results in flight while their request thread's event loop stalled (their timings may be inflated).",
    ['variant'],
    () => perVariant().map(({ variant, view }) => [{ variant }, view.counts.harnessStalls]),
  );
  counter('flowbench_harness_delayed_sends_total', 'Open-loop sends that waited for a free in-flight slot, by variant.', ['variant'], () =>
    perVariant().map(({ variant, view }) => [{ variant }, view.delayedSends]),
  );
  const main = (read: (t: ThreadWatchSnapshot) => number): Sample[] => {
    const t = source()?.mainThread() ?? null;
    return t === null ? [] : [[{ thread: 'main' }, read(t)]];
  };
  gauge('flowbench_harness_event_loop_delay_p99_seconds', "The main thread's event-loop delay p99 since the run's clock started.", ['thread'], () =>
    main((t) => t.eventLoopDelayMs.p99 / 1000),
  );
  gauge('flowbench_harness_event_loop_delay_max_seconds', "The main thread's longest event-loop delay since the run's clock started.", ['thread'], () =>
    main((t) => t.eventLoopDelayMs.max / 1000),
  );
  gauge('flowbench_harness_event_loop_utilization_ratio', "Share of the time the main thread's event loop was busy (0..1).", ['thread'], () =>
    main((t) => t.utilization),
  );
  counter('flowbench_harness_stalls_total', "Stalls of the main thread's event loop (gaps over load.stall_threshold).", ['thread'], () =>
    main((t) => t.stalls.count),
  );
  gauge('flowbench_process_resident_memory_bytes', "The flowbench process's resident set size.", [], () => [[{}, process.memoryUsage.rss()]]);
  gauge('flowbench_process_heap_used_bytes', "The main thread's V8 heap in use.", [], () => [[{}, process.memoryUsage().heapUsed]]);
  counter('flowbench_process_cpu_seconds_total', 'CPU time of the flowbench process, every thread, user and system.', [], () => {
    const cpu = process.cpuUsage();
    return [[{}, (cpu.user + cpu.system) / 1e6]];
  });
  return registry;
}
