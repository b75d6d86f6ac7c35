// JSON Lines rows, streamed line by line: one JSON object per line, blank lines skipped.
import { fileLines } from '../text/file-lines.js';
import { ConfigError } from '../errors/config-error.js';

/** Lines of a UTF-8 file with their 1-based numbers: fileLines, linear however long a line is. */
async function* lines(path: string): AsyncGenerator<{ text: string; line: number }> {
  let line = 0;
  for await (const text of fileLines(path)) yield { text, line: ++line };
}

export async function* jsonlRows(path: string): AsyncGenerator<{ line: number; values: Record<string, unknown> }> {
  for await (const { text, line } of lines(path)) {
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw new ConfigError(
        `JSON Lines: line ${line} is not valid JSON (${(err as Error).message})`,
        { file: path, line },
        'put exactly one JSON object on each line',
      );
    }
    yield { line, values: asRecord(value, path, line, 'JSON Lines') };
  }
}

/** A dataset row must be a JSON object: its keys are the columns. */
export function asRecord(value: unknown, path: string, line: number, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
    throw new ConfigError(
      `${what}: the row on line ${line} is ${got}, not an object`,
      { file: path, line },
      'make every row a JSON object, e.g. {"question": "...", "answer": "..."}',
    );
  }
  return value as Record<string, unknown>;
}
