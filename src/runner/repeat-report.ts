// The `repeats` section of each variant in report.json, from the run folder's results.jsonl: one pass
// tallies every measured verdict per row, a second keeps the records of the flaky rows that are shown.
// Used at the end of a run, by `flowbench report DIR` and by `flowbench merge` (merged results).
import { existsSync } from 'node:fs';
import { forEachResult } from '../compare/outcomes.js';
import { flakyRepeat, RepeatTally, type FlakyRow } from '../metrics/repeat-stats.js';
import type { VariantSummary } from '../metrics/variant-stats.js';
import type { ResultRecord } from '../record/result-record.js';

/**
 * Sets `repeats` on every variant (in place) when `n` > 1 and the results file exists; a run without
 * repeats is left exactly as it was.
 */
export async function addRepeatSummaries(resultsPath: string, n: number, variants: (VariantSummary & { name: string })[]): Promise<void> {
  // `!(n > 1)`: a suite read back from an older manifest has no `repeat` at all.
  if (!(n > 1) || !existsSync(resultsPath)) return;
  const tallies = new Map(variants.map((v) => [v.name, new RepeatTally(n)]));
  const measured = (r: ResultRecord) => r.warmup !== true;
  await forEachResult(resultsPath, (r) => {
    if (measured(r)) tallies.get(r.variant)?.add(r);
  });
  const wanted = new Map([...tallies].map(([name, t]) => [name, new Set(t.flakyKeys())]));
  const found = new Map<string, Map<string, ResultRecord[]>>();
  if ([...wanted.values()].some((s) => s.size > 0)) {
    await forEachResult(resultsPath, (r) => {
      const key = `${r.row}:${r.iteration}`;
      if (!measured(r) || !wanted.get(r.variant)?.has(key)) return;
      let byKey = found.get(r.variant);
      if (!byKey) found.set(r.variant, (byKey = new Map()));
      const list = byKey.get(key) ?? [];
      list.push(r);
      byKey.set(key, list);
    });
  }
  for (const v of variants) {
    const tally = tallies.get(v.name)!;
    const rows: FlakyRow[] = [...wanted.get(v.name)!].map((key) => {
      const records = (found.get(v.name)?.get(key) ?? []).sort((a, b) => (a.repeat ?? 0) - (b.repeat ?? 0));
      const repeats = records.map(flakyRepeat);
      const [row, iteration] = key.split(':').map(Number) as [number, number];
      const graded = repeats.filter((x) => x.pass !== null);
      return {
        row,
        iteration,
        passes: graded.filter((x) => x.pass === true).length,
        graded: graded.length,
        inputs: records[0]?.inputs ?? {},
        expected: records[0]?.expected ?? null,
        repeats,
      };
    });
    v.repeats = tally.summary(rows);
  }
}
