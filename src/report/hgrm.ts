// HdrHistogram percentile distributions (.hgrm, the text its plotter reads), one file per variant
// and timing metric, values in milliseconds: hgrm/<variant>.<metric>.hgrm.
import { join } from 'node:path';
import { percentileDistributionText } from '../metrics/histogram.js';
import { TIMING_METRICS } from '../metrics/variant-stats.js';
import type { Report } from './report-model.js';
import { ensureFolder, writeFileWhole } from './whole-file.js';

/** A variant name as a file name: anything but letters, digits, dot, dash and underscore becomes "_". */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return s || '_';
}

/** Writes the non-empty histograms; returns the paths written, relative to dir. */
export async function writeHgrm(dir: string, report: Report): Promise<string[]> {
  const written: string[] = [];
  const used = new Set<string>();
  for (const v of report.variants) {
    let base = safeFileName(v.name);
    // Two names that sanitise alike ("a b", "a_b") must not overwrite each other.
    for (let i = 2; used.has(base); i++) base = `${safeFileName(v.name)}-${i}`;
    used.add(base);
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
