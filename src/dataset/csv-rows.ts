// CSV rows via csv-parse, streamed: a header row names the columns; ragged rows and broken quotes name their line.
import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import { ConfigError } from '../errors/config-error.js';

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** Raw records in file order (header included); csv-parse errors become ConfigErrors with the line. */
async function* records(path: string): AsyncGenerator<CsvRecord> {
  const file = createReadStream(path);
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
  // pipe() does not forward source errors (e.g. ENOENT): hand them to the parser so the loop sees them.
  file.on('error', (err) => parser.destroy(err));
  file.pipe(parser);
  let lastEnd = 0;
  try {
    for await (const out of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line the record ENDS on; quoted newlines inside it move its start back.
      let inside = 0;
      for (const f of out.record) for (let i = f.indexOf('\n'); i !== -1; i = f.indexOf('\n', i + 1)) inside++;
      lastEnd = out.info.lines;
      yield { fields: out.record, line: out.info.lines - inside };
    }
  } catch (err) {
    throw csvError(path, err, lastEnd);
  } finally {
    file.destroy();
    parser.destroy();
  }
}

function csvError(path: string, err: unknown, lastEnd: number): unknown {
  const e = err as CsvError & { lines?: number };
  if (typeof e?.code !== 'string' || (!e.code.startsWith('CSV_') && e.code !== 'INVALID_OPENING_QUOTE')) return err;
  const message = e.message.split('\n')[0] ?? e.message;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new ConfigError(
      `CSV: a quoted field that starts on line ${lastEnd + 1} is never closed (${message})`,
      { file: path, line: lastEnd + 1 },
      'close the quote with a matching "; write a quote inside a quoted field as ""',
    );
  }
  return new ConfigError(
    `CSV: ${message}`,
    { file: path, line: e.lines ?? lastEnd + 1 },
    'quote fields that contain commas, quotes or newlines ("a, b"), and double quotes inside them ("say ""hi""")',
  );
}

/** Header names, trimmed; empty or repeated names are refused (a row could not be addressed by them). */
function header(path: string, rec: CsvRecord): string[] {
  const names = rec.fields.map((f) => f.trim());
  names.forEach((name, i) => {
    if (name === '') {
      throw new ConfigError(`CSV header: column ${i + 1} has no name`, { file: path, line: rec.line }, 'give every column a name in the first row');
    }
    if (names.indexOf(name) !== i) {
      throw new ConfigError(
        `CSV header: column name '${name}' appears twice`,
        { file: path, line: rec.line },
        'give every column a distinct name in the first row',
      );
    }
  });
  return names;
}

export async function csvHeader(path: string): Promise<string[]> {
  for await (const rec of records(path)) return header(path, rec);
  return [];
}

export async function* csvRows(path: string): AsyncGenerator<{ line: number; values: Record<string, unknown> }> {
  let names: string[] | null = null;
  for await (const rec of records(path)) {
    if (names === null) {
      names = header(path, rec);
      continue;
    }
    if (rec.fields.length !== names.length) {
      throw new ConfigError(
        `CSV: row has ${rec.fields.length} field(s) but the header has ${names.length} (${names.join(', ')})`,
        { file: path, line: rec.line },
        'make every row have as many fields as the header; quote fields that contain commas',
      );
    }
    const values: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) values[names[i] as string] = rec.fields[i];
    yield { line: rec.line, values };
  }
}
