// Counts a run's statistics again from its results.jsonl: used when a request thread died mid-run with
// statistics it had not yet sent (its lines were written as they finished, so the file holds them all).
import type { ClockAnchor } from '../clock/clock.js';
import { RunStatsTotal } from '../metrics/run-stats.js';
import type { Suite } from '../suite/types.js';
import { envelopeOf, scanResults } from './resume.js';

export async function recountFromResults(path: string, anchor: ClockAnchor, suite: Suite): Promise<RunStatsTotal> {
  const names = suite.variants.map((v) => v.name);
  const total = new RunStatsTotal(anchor, names);
  await scanResults(path, (r) => {
    const variant = names.indexOf(r.variant);
    // A conversation's skipped turn was never sent: it is in no statistic but report.json's conversations.
    if (variant >= 0 && r.skipped !== true) total.add(r, envelopeOf(r, variant));
  });
  total.finish();
  return total;
}
