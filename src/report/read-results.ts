// Streams results.jsonl one record at a time (never the whole file in memory), for every report format.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../suite/config-error.js';
import type { ResultRecord } from '../worker/messages.js';

/**
 * Yields each line of results.jsonl as a record. A torn last line (the run was killed mid-write)
 * is skipped; any other unparsable line is a ConfigError naming the file and line.
 */
export async function* readResults(path: string): AsyncGenerator<ResultRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  let pending: { line: number; error: string } | null = null;
  for await (const line of lines) {
    n++;
    if (pending) throw new ConfigError(`results line is not JSON: ${pending.error}`, { file: path, line: pending.line }, 'the file was edited or corrupted; rerun the suite');
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      pending = { line: n, error: (err as Error).message };
      continue;
    }
    if (typeof rec !== 'object' || rec === null || typeof (rec as ResultRecord).variant !== 'string') {
      throw new ConfigError('results line is not a flowbench result record', { file: path, line: n }, 'point the command at a flowbench report folder');
    }
    yield rec as ResultRecord;
  }
}
