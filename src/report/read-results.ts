// Streams results.jsonl one record at a time (never the whole file in memory), for every report format.
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ConfigError } from '../suite/config-error.js';
import type { ResultRecord } from '../record/result-record.js';

/** Each line of a file, without its line ending, read in chunks: the reader waits while the consumer works. */
export async function* fileLines(path: string): AsyncGenerator<string> {
  // Not readline: its async iterator queues lines ahead of a slow consumer (report writers await their
  // own writes), which let a 128 MB results.jsonl pile up in memory; and its line splitting cost more CPU.
  // 64 KB chunks: a string over V8's regular object size (~128 KB) goes to the large-object space, which
  // only a full garbage collection empties; at 256 KB every chunk (and its copy with the previous tail)
  // piled up there, 20-45 MB at a time while the reports were written.
  const decoder = new StringDecoder('utf8');
  // The unfinished line's pieces, joined once when its newline comes: only each new chunk is searched,
  // so a line costs time linear in its length (gluing the tail to every chunk and searching the whole
  // again took minutes for one 50 MB output).
  let pieces: string[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    const text = decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      let line = text.slice(start, nl);
      if (pieces.length > 0) {
        pieces.push(line);
        line = pieces.join('');
        pieces = [];
      }
      start = nl + 1;
      yield stripCr(line);
    }
    if (start < text.length) pieces.push(start === 0 ? text : text.slice(start));
  }
  const rest = pieces.join('') + decoder.end();
  if (rest !== '') yield stripCr(rest);
}

/** A "\r\n" line ending's "\r" (it may have come in the chunk before the "\n"). */
const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * Yields each line of results.jsonl as a record. A torn last line (the run was killed mid-write)
 * is skipped; any other unparsable line is a ConfigError naming the file and line.
 */
export async function* readResults(path: string): AsyncGenerator<ResultRecord> {
  let n = 0;
  let pending: { line: number; error: string } | null = null;
  for await (const line of fileLines(path)) {
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
