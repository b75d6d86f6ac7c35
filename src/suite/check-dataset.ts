// Opens the suite's dataset once at load time: it must exist and parse, and templates may name only its columns.
import { closestKey } from './closest-key.js';
import { stat } from 'node:fs/promises';
import { readColumns } from '../dataset/read-rows.js';
import { compileTemplate } from '../dataset/template.js';
import { checkGraderTemplates } from './check-grader-templates.js';
import type { LoadContext } from './load-context.js';
import type { Path } from './positions.js';
import type { Suite } from './types.js';

export async function checkDataset(s: Suite, ctx: LoadContext): Promise<void> {
  const { src, where } = ctx;
  const ds = s.dataset;
  const pathAt = where.value(['dataset', 'path']);
  try {
    const info = await stat(ds.path);
    if (!info.isFile()) throw src.error(pathAt, `dataset.path is not a file: ${ds.path}`, 'point dataset.path at a .csv, .jsonl or .json file');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    if (code === 'ENOENT') throw src.error(pathAt, `dataset not found: ${ds.path}`, 'check dataset.path: it is relative to the folder of the suite file');
    throw src.error(pathAt, `cannot read dataset ${ds.path} (${code})`, 'check that the file exists and is readable');
  }
  // Errors inside the dataset (bad header, bad first record) name the dataset file and its line.
  const columns = await readColumns(ds);

  const templates: { path: Path; text: string; isExpected: boolean }[] = [];
  for (const [key, value] of Object.entries(ds.inputs)) {
    if (typeof value === 'string') templates.push({ path: ['dataset', 'inputs', key], text: value, isExpected: false });
  }
  if (ds.expected !== null) templates.push({ path: ['dataset', 'expected'], text: ds.expected, isExpected: true });

  const listed = columns.length > 0 ? columns.join(', ') : '(none: the dataset has no header or no records)';
  for (const t of templates) {
    const compiled = compileTemplate(t.text);
    // {{expected}} is the suite's expected answer; without one (or inside it) it can only be a column.
    const names = compiled.names.filter((n) => n !== 'row' && (n !== 'expected' || t.isExpected || ds.expected === null));
    const unknown = names.find((n) => !columns.includes(n));
    if (unknown === undefined) continue;
    const what = unknown === 'expected' ? `{{expected}} has no source: the suite sets no dataset.expected and the dataset has no 'expected' column` : `template names column '${unknown}', which the dataset does not have`;
    const near = unknown === 'expected' ? null : closestKey(unknown, columns);
    throw src.error(where.value(t.path), `${what} (in ${t.path.join('.')})`, `${near === null ? '' : `did you mean {{${near}}}? `}columns in ${ds.path}: ${listed}`);
  }
  checkGraderTemplates(s, columns, ctx);
}
