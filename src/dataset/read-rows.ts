// Streams a dataset's rows (CSV, JSON Lines, JSON array) one at a time, never holding the whole file.
import type { DatasetSpec } from './dataset-spec.js';
import { ConfigError } from '../errors/config-error.js';
import { csvHeader, csvRows } from './csv-rows.js';
import { jsonArrayRows } from './json-array-rows.js';
import { jsonlRows } from './jsonl-rows.js';

export interface DatasetRow {
  /** 0-based data row (header and blank lines not counted). */
  index: number;
  /** 1-based line in the file where the row starts. */
  line: number;
  values: Record<string, unknown>;
}

/** Only the fields a reader needs, so callers can read a file without a whole suite. */
export type DatasetSource = Pick<DatasetSpec, 'path' | 'format'> & { limit?: number | null };

/** Yields rows in file order, stopping after `limit` rows; a malformed file is a ConfigError naming file and line. */
export async function* readRows(spec: DatasetSource): AsyncIterable<DatasetRow> {
  const limit = spec.limit ?? Infinity;
  if (limit <= 0) return;
  const source = spec.format === 'csv' ? csvRows(spec.path) : spec.format === 'jsonl' ? jsonlRows(spec.path) : jsonArrayRows(spec.path);
  let index = 0;
  try {
    for await (const { line, values } of source) {
      yield { index, line, values };
      if (++index >= limit) return; // leaving the loop closes the file: no more is read
    }
  } catch (err) {
    throw asConfigError(spec.path, err);
  }
}

/** The dataset's columns: the CSV header, or the keys of the first JSONL / JSON record ([] when it has none). */
export async function readColumns(spec: DatasetSource): Promise<string[]> {
  try {
    if (spec.format === 'csv') return await csvHeader(spec.path);
  } catch (err) {
    throw asConfigError(spec.path, err);
  }
  for await (const row of readRows({ ...spec, limit: 1 })) return Object.keys(row.values);
  return [];
}

/** File-system failures (missing, unreadable, a directory) become ConfigErrors; ConfigErrors pass through. */
function asConfigError(path: string, err: unknown): unknown {
  if (err instanceof ConfigError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ConfigError(`dataset not found: ${path}`, { file: path }, 'check dataset.path (it is relative to the suite file)');
  if (code === 'EISDIR') return new ConfigError(`dataset path is a directory: ${path}`, { file: path }, 'point dataset.path at a .csv, .jsonl or .json file');
  if (code === 'EACCES' || code === 'EPERM') return new ConfigError(`dataset is not readable: ${path}`, { file: path }, 'check the file permissions');
  return err;
}
