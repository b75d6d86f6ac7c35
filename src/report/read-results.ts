// Streams results.jsonl one record at a time (never the whole file in memory), for every report format.
import { createReadStream } from 'node:fs';
import { ConfigError } from '../suite/config-error.js';
import type { ResultRecord } from '../record/result-record.js';

/**
 * Each line of a file, without its line ending, read in chunks: the reader waits while the consumer works.
 * `chunkBytes` is for tests: small chunks make a long line span thousands of them.
 */
export async function* fileLines(path: string, chunkBytes = 64 * 1024): AsyncGenerator<string> {
  // Not readline: its async iterator queues lines ahead of a slow consumer (report writers await their
  // own writes), which let a 128 MB results.jsonl pile up in memory; and its line splitting cost more CPU.
  // 64 KB chunks: a string over V8's regular object size (~128 KB) goes to the large-object space, which
  // only a full garbage collection empties; at 256 KB every chunk (and its copy with the previous tail)
  // piled up there, 20-45 MB at a time while the reports were written.
  // Newlines are found in the bytes (0x0A is never part of a longer UTF-8 character), and only in each new
  // chunk: a line longer than a chunk waits as bytes and is decoded once, so it costs time linear in its
  // length and no string on the heap until it is whole. (Gluing the decoded tail to every chunk and
  // searching it all again was quadratic: see BENCHMARKS.md "Huge outputs".)
  let pending: Buffer[] = [];
  // No local holds the line or its bytes while it is out with the consumer (a generator's locals live
  // across its yields): a 50 MB line would stay held, twice over, while its record was written.
  const takePending = (): string => {
    const parts = pending;
    pending = [];
    return parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
  };
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    const first = chunk.indexOf(0x0a);
    if (first === -1) {
      pending.push(chunk);
      continue;
    }
    pending.push(chunk.subarray(0, first));
    yield stripCr(takePending());
    const last = chunk.lastIndexOf(0x0a);
    if (last > first) {
      // The whole lines between the first and the last newline: decoded together, split as text.
      const text = chunk.toString('utf8', first + 1, last);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const l = text.slice(start, nl);
        start = nl + 1;
        yield stripCr(l);
      }
      yield stripCr(text.slice(start));
    }
    if (last + 1 < chunk.length) pending.push(chunk.subarray(last + 1));
  }
  const rest = takePending();
  if (rest !== '') yield stripCr(rest);
}

/** A "\r\n" line ending's "\r". */
const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

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
      if (pending) throw new ConfigError(`results line is not JSON: ${pending.error}`, { file: path, line: pending.line }, 'the file was edited or corrupted; rerun the suite');
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
