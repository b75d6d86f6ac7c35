// Browser side of report.html: the word diff of a flipped result's output against the baseline's
// (pieces computed in Node by flip-diffs.ts). Deletions and insertions differ in colour, in
// decoration (struck through / underlined) and in text markers ([-…-] and {+…+}, as git's
// --word-diff), so neither colour nor sight is needed to read them. Inlined by source text.
import type { PageData } from '../page-data.js';
import type { FlipDiff } from '../flip-diffs.js';
import { el } from './dom.js';

/** The report's diffs by "row:iteration:variant". */
export function diffIndex(d: PageData): Map<string, FlipDiff> {
  return new Map((d.diffs?.diffs ?? []).map((f) => [`${f.row}:${f.iteration}:${f.variant}`, f]));
}

/** The diff's text: unchanged text as is, the baseline's words in <del>, the candidate's in <ins>. */
export function diffText(pieces: NonNullable<FlipDiff['pieces']>): HTMLElement {
  const box = el('div', { class: 'diff-text text' });
  for (const [op, text] of pieces) {
    if (op === 0) box.appendChild(document.createTextNode(text));
    else if (op < 0) box.appendChild(el('del', { class: 'diff-del', title: "only in the baseline's output" }, `[-${text}-]`));
    else box.appendChild(el('ins', { class: 'diff-ins', title: "only in this variant's output" }, `{+${text}+}`));
  }
  return box;
}

/** The word diff under a flipped cell, or a line saying why there is none. */
export function diffBlock(d: PageData, f: FlipDiff | undefined): HTMLElement {
  const info = d.diffs;
  const baseline = info?.baseline ?? 'the baseline';
  if (!f) {
    const why =
      info && info.flipped > info.limit
        ? `only the first ${info.limit} of ${info.flipped.toLocaleString('en-US')} flipped results are diffed`
        : 'no diff was made';
    return el('div', { class: 'muted small diff-none' }, `No word diff against ${baseline}: ${why}.`);
  }
  if (!f.pieces) return el('div', { class: 'muted small diff-none' }, `No word diff against ${baseline}: the outputs differ too much to diff quickly.`);
  let removed = 0;
  let added = 0;
  for (const [op, text] of f.pieces) {
    const words = text.split(/\s+/).filter(Boolean).length;
    if (op < 0) removed += words;
    else if (op > 0) added += words;
  }
  const limit = (info?.chars ?? 0).toLocaleString('en-US');
  return el(
    'details',
    { class: 'diff', open: '' },
    el('summary', null, `Word diff against ${baseline}: ${removed} word${removed === 1 ? '' : 's'} removed, ${added} added`),
    el(
      'div',
      { class: 'muted small' },
      `[-struck-] only in ${baseline}'s output, {+underlined+} only in this one's.` +
        (f.cut ? ` Only the first ${limit} characters of each output are diffed.` : ''),
    ),
    diffText(f.pieces),
  );
}
