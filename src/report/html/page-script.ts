// Assembles report.html's script from the browser modules in page/: each exported function is
// inlined by its compiled source text, inside one closure, then main() runs. Keeping the browser
// code as typed TypeScript (checked by tsc like the rest) beats a hand-written string of JS.
import { csvField } from '../results-csv.js';
import * as charts from './page/charts.js';
import * as comparison from './page/comparison.js';
import * as conversations from './page/conversations.js';
import * as csv from './page/csv.js';
import * as diff from './page/diff.js';
import * as dom from './page/dom.js';
import * as harness from './page/harness.js';
import * as main from './page/main.js';
import * as nodes from './page/nodes.js';
import * as plots from './page/plots.js';
import * as repeats from './page/repeats.js';
import * as replay from './page/replay.js';
import * as rowsTable from './page/rows-table.js';
import * as summary from './page/summary.js';
import * as sweep from './page/sweep.js';
import * as tables from './page/tables.js';

let cached: string | null = null;

export function pageScript(): string {
  if (cached) return cached;
  const seen = new Set<string>();
  const parts: string[] = [];
  // csvField is results.csv's own, so the page's CSV download quotes and guards cells the same way.
  const shared = { csvField };
  for (const mod of [
    dom,
    charts,
    plots,
    comparison,
    summary,
    repeats,
    sweep,
    replay,
    tables,
    harness,
    conversations,
    diff,
    nodes,
    shared,
    csv,
    rowsTable,
    main,
  ] as Record<string, unknown>[]) {
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== 'function') continue;
      // One scope for every page function: a duplicate name would silently shadow another.
      if (seen.has(name)) throw new Error(`report page: two functions named ${name}`);
      seen.add(name);
      parts.push(fn.toString());
    }
  }
  cached = `(function () {\n'use strict';\n${parts.join('\n')}\nmain();\n})();\n`;
  return cached;
}
