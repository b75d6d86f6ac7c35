// HdrHistogram percentile distributions (.hgrm, the text its plotter reads), one file per variant
// and timing metric, values in milliseconds: hgrm/<variant>.<metric>.hgrm (stem: report/variant-files.ts).
import { join } from 'node:path';
import { percentileDistributionText } from '../metrics/histogram.js';
import { TIMING_METRICS } from '../metrics/variant-stats.js';
import type { Report } from './report-model.js';
import { variantFileStems } from './variant-files.js';
import { ensureFolder, writeFileWhole } from './whole-file.js';

export { safeFileName } from './variant-files.js';

/** Writes the non-empty histograms; returns the paths written, relative to dir. */
export async function writeHgrm(dir: string, report: Report): Promise<string[]> {
  const written: string[] = [];
  // The same stems as the .hlog files (runner/write-hlogs.ts): report.variants is the run's variant list.
  const stems = variantFileStems(report.variants.map((v) => v.name));
  for (const [vi, v] of report.variants.entries()) {
    const base = stems[vi]!;
    for (const metric of TIMING_METRICS) {
      const b64 = v.histograms?.[metric];
      const summary = v[`${metric}Ms` as const];
      if (!b64 || !summary || summary.count === 0) continue;
      if (!written.length) await ensureFolder(join(dir, 'hgrm'));
      const rel = join('hgrm', `${base}.${metric}.hgrm`);
      await writeFileWhole(join(dir, rel), percentileDistributionText(b64));
      written.push(rel);
    }
  }
  return written;
}
