// Writes report.html for a report folder: streams results.jsonl into the row data, decodes the
// histograms of report.json into curves, and renders the one-file page.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../report-model.js';
import { buildPageData } from './page-data.js';
import { FlipFinder, flipBaseline, flipDiffs } from './flip-diffs.js';
import { PlotBuilder } from './plot-data.js';
import { readPageRows, type RowsData } from './rows.js';
import { htmlParts } from './template.js';
import { writeWhole } from '../whole-file.js';
import { flowbenchVersion } from '../../version.js';

const generator = (): string => `flowbench ${flowbenchVersion()}`;

/** Streams report.html: the row chunks are written as results.jsonl is read, never all held at once. */
export async function writeHtmlReport(dir: string, report: Report): Promise<void> {
  const resultsPath = join(dir, 'results.jsonl');
  const names = report.variants.map((v) => v.name);
  const gen = generator();
  const parts = htmlParts({ suite: report.suite, generator: gen });
  const [openTag, closeTag] = parts.rowChunkTags;
  // Written whole: a full disk or a kill mid-page leaves the previous page, never half of one.
  await writeWhole(join(dir, 'report.html'), async (file) => {
    await file.write(parts.head);
    if (!existsSync(resultsPath)) {
      const rows: RowsData = { chunks: [], count: 0, warmups: 0, truncatedOutputs: 0, variants: names };
      await file.write(parts.tail(buildPageData(report, rows, gen)));
      return;
    }
    const plots = new PlotBuilder(names);
    const flips = new FlipFinder();
    const rows = await readPageRows(
      resultsPath,
      names,
      async (chunk) => {
        await file.write(openTag);
        await file.write(chunk);
        await file.write(closeTag);
      },
      [plots, flips],
    );
    // A second pass reads only the flipped rows' outputs, for their word diffs.
    const diffs = await flipDiffs(resultsPath, flips, flipBaseline(report, rows.variants), rows.variants);
    await file.write(parts.tail(buildPageData(report, rows, gen, { plots: plots.build(), diffs })));
  });
}
