// Browser side of report.html: the repeats section (suite `repeat: N`): per variant pass@1, pass^N,
// consistency and how many rows passed 0…N of N, then each variant's flaky rows with every repeat's
// verdict and output side by side. Draws report.json's variants[].repeats; inlined by source text.
import type { RepeatSummary } from '../../../metrics/repeat-stats.js';
import type { PageData } from '../page-data.js';
import { badge, el, fmtPct, section, table } from './dom.js';

export function repeatsSection(d: PageData): HTMLElement | null {
  const vs = d.report.variants.filter((v) => v.repeats !== undefined) as { name: string; repeats: RepeatSummary }[];
  if (!vs.length) return null;
  const n = vs[0]!.repeats.n;
  const figures = table(
    ['variant', 'rows', 'pass@1', `pass^${n}`, 'consistency', 'flaky rows', `rows passing 0…${n} of ${n}`],
    vs.map((v) => {
      const r = v.repeats;
      return [
        v.name,
        `${r.completeRows}${r.rows > r.completeRows ? ` (+${r.rows - r.completeRows} incomplete)` : ''}`,
        fmtPct(r.passAt1),
        fmtPct(r.passAllN),
        fmtPct(r.consistency),
        String(r.flakyCount),
        r.passCounts.join(' / '),
      ];
    }),
  );
  const flaky = vs.flatMap((v) => {
    const r = v.repeats;
    if (!r.flakyRows.length) return [];
    const head = ['row', 'input', 'passes', ...Array.from({ length: n }, (_, i) => `repeat ${i}`)];
    const rows = r.flakyRows.map((f) => [
      `${f.row}${f.iteration ? ` (iteration ${f.iteration})` : ''}`,
      el(
        'div',
        { class: 'text' },
        Object.values(f.inputs)
          .filter((x) => typeof x === 'string')
          .join('\n'),
        f.expected !== null ? el('div', { class: 'expected' }, el('span', { class: 'label' }, 'expected '), f.expected) : null,
      ),
      `${f.passes} of ${f.graded}`,
      ...Array.from({ length: n }, (_, i) => {
        const x = f.repeats.find((q) => q.repeat === i);
        if (!x) return '–';
        return el(
          'div',
          null,
          el('div', { class: 'status' }, x.pass === null ? badge('not graded', 'info') : x.pass ? badge('pass', 'pass') : badge('fail', 'fail')),
          x.error ? el('div', { class: 'error-text' }, x.error) : null,
          el('div', { class: 'text' }, x.output),
          x.failed.length ? el('ul', { class: 'grades' }, ...x.failed.map((g) => el('li', { class: 'bad' }, g))) : null,
        );
      }),
    ]);
    const shown = r.flakyRows.length < r.flakyCount ? ` (the first ${r.flakyRows.length} of ${r.flakyCount})` : ` (${r.flakyCount})`;
    return [el('h3', null, `Flaky rows of ${v.name}${shown}`), el('div', { class: 'scroll' }, table(head, rows, 'rows'))];
  });
  return section(
    'repeats',
    'Repeats and consistency',
    el(
      'p',
      { class: 'muted' },
      `Every row ran ${n} times per variant. pass@1: the mean of each row's pass share (one try's chance to pass); pass^${n}: the share of rows that passed all ${n}; consistency: the share of rows whose verdict never changed. A flaky row passed some repeats and failed others. Comparisons treat a row's repeats as one unit (n = rows).`,
    ),
    figures,
    ...flaky,
  );
}
