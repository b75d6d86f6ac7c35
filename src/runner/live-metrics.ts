// A run's live Prometheus endpoint (suite `metrics:`, --metrics-port): started before anything is written (a
// port in use is exit 2 with nothing sent), reading the collector's running totals on each scrape, closed after
// the run once the final figures have been scraped or metrics.linger ran out. Each shard process serves its own.
import type { ThreadWatch } from '../harness/thread-watch.js';
import type { LiveRunSource } from '../metrics/prometheus.js';
import type { ShardSpec } from '../shard/partition.js';
import type { Suite } from '../suite/types.js';
import { flowbenchVersion } from '../version.js';
import type { RunCollector } from './collect.js';

export interface LiveMetrics {
  /** The endpoint's URL; null in push-only mode. */
  readonly url: string | null;
  /** From here on, scrapes read this run's totals, its pool's running count and the main thread's watch. */
  attach(run: { collector: RunCollector; pool: { readonly running: number }; watch: ThreadWatch }): void;
  /** The load is over and the last figures are merged: flowbench_run_finished turns 1. */
  finish(): void;
  /** Lingers (metrics.linger) for one more scrape, then stops serving. */
  close(): Promise<void>;
}

/** Null when the suite asks for no endpoint. */
export async function startLiveMetrics(suite: Suite, shard: ShardSpec | null): Promise<LiveMetrics | null> {
  const spec = suite.metrics;
  if (spec === null || spec === undefined) return null;
  // prom-client and what uses it load here, for the runs that ask for metrics: ~55 ms of CPU the others skip.
  const [{ liveRegistry }, { startMetricsServer }, { startPusher }] = await Promise.all([
    import('../metrics/prometheus.js'),
    import('../metrics/metrics-server.js'),
    import('../metrics/remote-write.js'),
  ]);
  let collector: RunCollector | null = null;
  let pool: { readonly running: number } | null = null;
  let watch: ThreadWatch | null = null;
  let finished = false;
  const source: LiveRunSource = {
    variants: () => collector?.total.stats.map((s) => s.liveView()) ?? [],
    inFlight: () => collector?.inFlightOf ?? [],
    running: () => pool?.running ?? 0,
    warmupDone: () => collector?.warmupDone ?? 0,
    finished: () => finished,
    mainThread: () => watch?.snapshot() ?? null,
  };
  const registry = liveRegistry(
    {
      suite: suite.name,
      flowId: suite.target.flowId,
      mode: suite.mode,
      shard: shard === null ? '' : `${shard.index}/${shard.count}`,
      version: flowbenchVersion(),
    },
    () => source,
    suite.variants.map((v) => v.name),
  );
  const server = spec.port === null ? null : await startMetricsServer(spec.port, registry);
  // Pushed series carry job="flowbench" (a scrape's job and instance come from the scraper's config).
  const pusher =
    spec.push === null
      ? null
      : startPusher(registry, spec.push.url, spec.push.intervalMs, { job: 'flowbench' }, (m) => process.stderr.write(`flowbench: warning: ${m}\n`));
  let closing: Promise<void> | null = null;
  return {
    url: server?.url ?? null,
    attach: (run) => {
      ({ collector, pool, watch } = run);
    },
    finish: () => {
      finished = true;
    },
    // A failed start closes at once; a run that finished lingers for its last scrape and pushes its final figures.
    // A second call: the same close.
    close: () => (closing ??= Promise.all([server?.close(finished ? spec.lingerMs : 0), pusher?.stop(finished)]).then(() => {})),
  };
}
