// What a run's threads need to set each record's usage, cost, server view and goodput (metrics/result-extras.ts).
import type { ResultExtrasSpec } from '../metrics/result-extras.js';
import { DEFAULT_SERVER_LATENCY } from '../metrics/server-view.js';
import type { Suite } from '../suite/types.js';

/** null when the suite asks for none of it and fetches no metadata (nothing to read usage from). */
export function extrasSpecOf(suite: Suite): ResultExtrasSpec | null {
  const goodput = suite.goodput ?? null;
  if (!suite.metadata.fetch && goodput === null) return null;
  return {
    prices: suite.metadata.fetch ? (suite.cost?.prices ?? null) : null,
    serverLatency: suite.metadata.fetch ? (suite.metadata.serverLatency ?? DEFAULT_SERVER_LATENCY) : null,
    goodput,
  };
}
