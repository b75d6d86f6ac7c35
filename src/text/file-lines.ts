// Reads a file line by line in bounded chunks: never the whole file in memory, however long a line.
import { createReadStream } from 'node:fs';

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
