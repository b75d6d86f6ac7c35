// A run's live Prometheus endpoint (suite `metrics:`, --metrics-port): started before anything is written (a
// port in use is exit 2 with nothing sent), reading the collector's running totals on each scrape, closed after
// the run once the final figures have been scraped or metrics.linger ran out. Each shard process serves its own.
import type { ThreadWatch } from '../harness/thread-watch.js';
import { startMetricsServer } from '../metrics/metrics-server.js';
import { liveRegistry, type LiveRunSource } from '../metrics/prometheus.js';
import type { ShardSpec } from '../shard/partition.js';
import type { Suite } from '../suite/types.js';
import { flowbenchVersion } from '../version.js';
import type { RunCollector } from './collect.js';

export interface LiveMetrics {
  readonly url: string;
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
  const server = await startMetricsServer(spec.port, registry);
  return {
    url: server.url,
    attach: (run) => {
      ({ collector, pool, watch } = run);
    },
    finish: () => {
      finished = true;
    },
    // A failed start closes at once; a run that finished lingers for its last scrape (a second call: the same close).
    close: () => server.close(finished ? spec.lingerMs : 0),
  };
}
