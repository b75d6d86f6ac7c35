// Rows of a JSON file holding one array of objects, streamed element by element (the file is never parsed whole).
import { createReadStream } from 'node:fs';
import { ConfigError } from '../errors/config-error.js';
import { ArrayShapeError, JsonArraySplitter } from './json-array-splitter.js';
import { asRecord } from './jsonl-rows.js';

export async function* jsonArrayRows(path: string): AsyncGenerator<{ line: number; values: Record<string, unknown> }> {
  const file = createReadStream(path, { encoding: 'utf8' });
  const splitter = new JsonArraySplitter();
  try {
    for await (const chunk of file as AsyncIterable<string>) {
      for (const element of split(() => splitter.push(chunk), path)) {
        let value: unknown;
        try {
          value = JSON.parse(element.text);
        } catch (err) {
          throw new ConfigError(
            `JSON: the array element starting on line ${element.line} is not valid JSON (${(err as Error).message})`,
            { file: path, line: element.line },
            'fix the JSON of this row object',
          );
        }
        yield { line: element.line, values: asRecord(value, path, element.line, 'JSON') };
      }
    }
    split(() => (splitter.end(), []), path);
  } finally {
    file.destroy();
  }
}

function split<T>(step: () => T, path: string): T {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof ArrayShapeError)) throw err;
    throw new ConfigError(
      `JSON: ${err.message}`,
      { file: path, line: err.line },
      'a .json dataset must be one array of row objects: [{"question": "..."}, ...]; use .jsonl for one object per line',
    );
  }
}
