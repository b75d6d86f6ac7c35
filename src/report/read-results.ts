// Streams results.jsonl one record at a time (never the whole file in memory), for every report format.
import { ConfigError } from '../errors/config-error.js';
import type { ResultRecord } from '../record/result-record.js';
import { fileLines } from '../text/file-lines.js';

/**
 * Yields each line of results.jsonl as a record. A torn last line (the run was killed mid-write)
 * is skipped; any other unparsable line is a ConfigError naming the file and line.
 */
export async function* readResults(path: string): AsyncGenerator<ResultRecord> {
  const lines = fileLines(path);
  let n = 0;
  let pending: { line: number; error: string } | null = null;
  try {
    // Each line is parsed as it arrives and never bound here (see fileLines: locals live across yields).
    for (let next = parseLine(await lines.next()); next !== 'done'; next = parseLine(await lines.next())) {
      n++;
      if (pending)
        throw new ConfigError(
          `results line is not JSON: ${pending.error}`,
          { file: path, line: pending.line },
          'the file was edited or corrupted; rerun the suite',
        );
      if (next === 'blank') continue;
      if ('error' in next) {
        pending = { line: n, error: next.error };
        continue;
      }
      const rec = next.value;
      if (typeof rec !== 'object' || rec === null || typeof (rec as ResultRecord).variant !== 'string') {
        throw new ConfigError('results line is not a flowbench result record', { file: path, line: n }, 'point the command at a flowbench report folder');
      }
      yield rec as ResultRecord;
    }
  } finally {
    await lines.return(undefined); // closes the file when the reader stops early
  }
}

function parseLine(next: IteratorResult<string>): 'done' | 'blank' | { value: unknown } | { error: string } {
  if (next.done) return 'done';
  if (next.value.trim() === '') return 'blank';
  try {
    return { value: JSON.parse(next.value) as unknown };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
