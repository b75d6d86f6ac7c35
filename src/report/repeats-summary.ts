// The repeats section of the terminal table and of summary.md (suite `repeat: N`): per variant pass@1,
// pass^N, consistency and the pass-count spread, then the flaky rows with their repeats side by side.
// Renders report.json's `variants[].repeats`; computes nothing.
import Table from 'cli-table3';
import type { FlakyRepeat, RepeatSummary } from '../metrics/repeat-stats.js';
import type { Report } from './report-model.js';

/** Flaky rows printed per variant (report.json and report.html keep more). */
export const FLAKY_SHOWN = 5;
const CELL = 40;

const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const cut = (s: string, n = CELL) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};
const verdict = (r: FlakyRepeat) => (r.pass === null ? '?' : r.pass ? 'pass' : 'FAIL');
const side = (r: FlakyRepeat) => `${verdict(r)}: ${r.error ?? r.output}`;

type WithRepeats = { name: string; repeats: RepeatSummary };
const withRepeats = (report: Report): WithRepeats[] => report.variants.filter((v): v is typeof v & WithRepeats => v.repeats !== undefined);

/** The figures of one variant, in the order the headings below name them. */
function figures(r: RepeatSummary): string[] {
  return [
    `${r.completeRows}${r.rows > r.completeRows ? ` (+${r.rows - r.completeRows} incomplete)` : ''}`,
    pct(r.passAt1),
    pct(r.passAllN),
    pct(r.consistency),
    String(r.flakyCount),
    r.passCounts.join(' / '),
  ];
}

const heads = (n: number) => ['rows', 'pass@1', `pass^${n}`, 'consistency', 'flaky rows', `rows passing 0…${n} of ${n}`];

/** The terminal block, or null when the run has no repeats. */
export function renderRepeatsTable(report: Report, opts: { color?: boolean } = {}): string | null {
  const vs = withRepeats(report);
  if (!vs.length) return null;
  const style = opts.color ? {} : { head: [], border: [] };
  const chars = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  const n = vs[0]!.repeats.n;
  const t = new Table({ chars, style, head: [`repeats (${n} per row)`, ...heads(n)] });
  for (const v of vs) t.push([v.name, ...figures(v.repeats)]);
  const parts = [t.toString()];
  for (const v of vs) {
    const shown = v.repeats.flakyRows.slice(0, FLAKY_SHOWN);
    if (!shown.length) continue;
    const more = v.repeats.flakyCount - shown.length;
    parts.push(
      `flaky rows of ${v.name}: ${v.repeats.flakyCount}${more > 0 ? ` (first ${shown.length} shown; report.html lists up to ${v.repeats.flakyRows.length})` : ''}`,
    );
    const ft = new Table({ chars, style, head: ['row', 'passes', ...Array.from({ length: n }, (_, i) => `repeat ${i}`)] });
    for (const f of shown) {
      const cells = Array.from({ length: n }, (_, i) => {
        const r = f.repeats.find((x) => x.repeat === i);
        return r ? cut(side(r)) : '-';
      });
      ft.push([f.iteration ? `${f.row}#${f.iteration}` : String(f.row), `${f.passes}/${f.graded}`, ...cells]);
    }
    parts.push(ft.toString());
  }
  return parts.join('\n');
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const mdTable = (head: string[], rows: string[][]) =>
  [`| ${head.map(mdCell).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');

/** The summary.md section, or [] when the run has no repeats. */
export function repeatsMarkdown(report: Report): string[] {
  const vs = withRepeats(report);
  if (!vs.length) return [];
  const n = vs[0]!.repeats.n;
  const out = [
    `### Repeats: every row ${n} times per variant`,
    'pass@1: the mean of each row’s pass share; ' +
      `pass^${n}: the share of rows that passed all ${n}; consistency: the share of rows whose verdict never changed.`,
    mdTable(
      ['variant', ...heads(n)],
      vs.map((v) => [v.name, ...figures(v.repeats)]),
    ),
  ];
  for (const v of vs) {
    const shown = v.repeats.flakyRows.slice(0, FLAKY_SHOWN);
    if (!shown.length) continue;
    out.push(`**Flaky rows of ${v.name}** (${v.repeats.flakyCount}${v.repeats.flakyCount > shown.length ? `, first ${shown.length}` : ''})`);
    out.push(
      mdTable(
        ['row', 'passes', ...Array.from({ length: n }, (_, i) => `repeat ${i}`)],
        shown.map((f) => [
          f.iteration ? `${f.row}#${f.iteration}` : String(f.row),
          `${f.passes}/${f.graded}`,
          ...Array.from({ length: n }, (_, i) => {
            const r = f.repeats.find((x) => x.repeat === i);
            return r ? cut(side(r), 80) : '–';
          }),
        ]),
      ),
    );
  }
  return out;
}
