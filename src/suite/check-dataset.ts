// Opens the suite's dataset once at load time: it must exist and parse, and templates (inputs, expected,
// header values) may name only its columns.
import { closestKey } from '../text/closest-key.js';
import { stat } from 'node:fs/promises';
import { readColumns, readRows } from '../dataset/read-rows.js';
import { compileTemplate } from '../dataset/template.js';
import { checkGraderTemplates } from './check-grader-templates.js';
import { checkConversations, conversationColumns } from './check-conversations.js';
import { readConversations } from '../dataset/conversations.js';
import { ConfigError } from '../errors/config-error.js';
import { scanTrace } from '../dataset/trace.js';
import { traceSource } from '../load/models/replay.js';
import type { LoadContext } from './load-context.js';
import type { Path } from './positions.js';
import type { Suite } from './types.js';

/** Adds every problem of the dataset and of the templates over its columns to ctx.errors. */
export async function checkDataset(s: Suite, ctx: LoadContext): Promise<void> {
  const { src, where } = ctx;
  const ds = s.dataset;
  if (ctx.refused.has(['dataset', 'path'])) return; // its mistake is reported: there is no file to read
  // A replay's rows are its trace (load/models/replay.ts).
  const pathAt = where.value(s.load.kind === 'replay' ? ['load', 'replay', 'path'] : ['dataset', 'path']);
  let unopened: ConfigError | null = null;
  try {
    const info = await stat(ds.path);
    if (!info.isFile()) unopened = src.error(pathAt, `dataset.path is not a file: ${ds.path}`, 'point dataset.path at a .csv, .jsonl or .json file');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    unopened =
      code === 'ENOENT'
        ? src.error(pathAt, `dataset not found: ${ds.path}`, 'check dataset.path: it is relative to the folder of the suite file')
        : src.error(pathAt, `cannot read dataset ${ds.path} (${code})`, 'check that the file exists and is readable');
  }
  // Without the file there are no columns to check templates against and no rows to read: stop here.
  if (unopened !== null) {
    ctx.errors.push(unopened);
    return;
  }
  // Errors inside the dataset (bad header, bad first record) name the dataset file and its line; without
  // columns the template checks would only repeat that error as unknown columns.
  let columns: string[];
  let rowColumns: string[] = [];
  try {
    columns = await readColumns(ds);
    // A conversation's turns also see {{conversation}}, {{turn}}, {{conversation_user}} (and a list's turn keys).
    rowColumns = columns;
    if (ds.conversation) columns = await conversationColumns(ds, ds.conversation, columns);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    ctx.errors.push(err);
    return;
  }

  const templates: { path: Path; text: string; isExpected: boolean }[] = [];
  for (const [key, value] of Object.entries(ds.inputs)) {
    if (typeof value === 'string') templates.push({ path: ['dataset', 'inputs', key], text: value, isExpected: false });
  }
  if (ds.expected !== null) templates.push({ path: ['dataset', 'expected'], text: ds.expected, isExpected: true });
  // Header values are rendered per row like the inputs (worker/row-headers.ts).
  for (const [name, value] of Object.entries(s.target.headers)) templates.push({ path: ['target', 'headers', name], text: value, isExpected: false });

  const listed = columns.length > 0 ? columns.join(', ') : '(none: the dataset has no header or no records)';
  for (const t of templates) {
    const compiled = compileTemplate(t.text);
    // {{expected}} is the suite's expected answer; without one (or inside it) it can only be a column.
    const names = compiled.names.filter((n) => n !== 'row' && (n !== 'expected' || t.isExpected || ds.expected === null));
    const unknown = names.find((n) => !columns.includes(n));
    if (unknown === undefined) continue;
    const what =
      unknown === 'expected'
        ? `{{expected}} has no source: the suite sets no dataset.expected and the dataset has no 'expected' column`
        : `template names column '${unknown}', which the dataset does not have`;
    const near = unknown === 'expected' ? null : closestKey(unknown, columns);
    ctx.errors.push(
      src.error(
        where.value(t.path),
        `${what} (in ${t.path.join('.')})`,
        `${near === null ? '' : `did you mean {{${near}}}? `}columns in ${ds.path}: ${listed}`,
      ),
    );
  }
  checkGraderTemplates(s, columns, ctx);
  if (!checkConversations(s, rowColumns, ctx)) return;
  if ((await scanRows(s, ctx)) === 0) ctx.errors.push(src.error(pathAt, noRowsMessage(ds.path), NO_ROWS_FIX));
}

/** A dataset without a row (a header only) would send nothing and pass: refused, by validate and run alike. */
export const noRowsMessage = (path: string): string => `dataset ${path} has no rows to send`;
export const NO_ROWS_FIX = 'add rows below the header (CSV) or records (JSON Lines, JSON array)';

/**
 * Reads every row (up to dataset.limit) as a run does before its first request, so a file that breaks
 * past its first record (a JSON array cut short, a ragged CSV row) is refused by validate too. Streamed:
 * one row in memory at a time. The first bad row ends the scan: a reader cannot find its feet after it.
 * Returns the rows read (null after a bad one).
 */
async function scanRows(s: Suite, ctx: LoadContext): Promise<number | null> {
  let rows = 0;
  try {
    // A trace's rows also need a time each (and an inputs object, unless mapped), in any order.
    if (s.load.kind === 'replay') await scanTrace(traceSource(s.load.replay));
    if (s.dataset.conversation) for await (const c of readConversations({ ...s.dataset, conversation: s.dataset.conversation })) rows += c.turns.length;
    else for await (const _row of readRows(s.dataset)) rows++;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    ctx.errors.push(err);
    return null;
  }
  return rows;
}
