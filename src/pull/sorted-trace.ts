// The last step of a pull: the spool's lines in time order (stable), each run once, written to --out by an
// atomic rename. Only an index (time, place, length, run id) is held in memory, never the lines themselves.
import { closeSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';

interface Entry {
  ms: number;
  offset: number;
  length: number;
}

const CHUNK = 1 << 20;

/** Calls `line(bytes, offset)` for every complete line in the first `limit` bytes of the file. */
function eachLine(fd: number, limit: number, line: (text: Buffer, offset: number) => void): void {
  let carry = Buffer.alloc(0);
  let carryAt = 0;
  const buf = Buffer.alloc(CHUNK);
  for (let pos = 0; pos < limit; ) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, limit - pos), pos);
    if (n === 0) break;
    let data = Buffer.concat([carry, buf.subarray(0, n)]);
    let base = carryAt;
    let nl: number;
    while ((nl = data.indexOf(10)) >= 0) {
      line(data.subarray(0, nl), base);
      base += nl + 1;
      data = data.subarray(nl + 1);
    }
    carry = Buffer.from(data);
    carryAt = base;
    pos += n;
  }
}

export interface SortedTrace {
  written: number;
  /** Runs seen twice and written once (the history shifted while paging). */
  duplicates: number;
  /** Epoch ms of the first and the last line, null when none was written. */
  firstMs: number | null;
  lastMs: number | null;
}

/** Writes the sorted trace to `out` from the first `spoolBytes` bytes of the spool. */
export function writeSortedTrace(spool: string, spoolBytes: number, out: string): SortedTrace {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const src = openSync(spool, 'r');
  try {
    eachLine(src, spoolBytes, (text, offset) => {
      const line = JSON.parse(text.toString('utf8')) as { timestamp: string; run_id?: string };
      if (line.run_id !== undefined) {
        if (seen.has(line.run_id)) {
          duplicates++;
          return;
        }
        seen.add(line.run_id);
      }
      entries.push({ ms: Date.parse(line.timestamp), offset, length: text.length + 1 });
    });
    entries.sort((a, b) => a.ms - b.ms || a.offset - b.offset);
    const tmp = `${out}.tmp`;
    const dst = openSync(tmp, 'w');
    try {
      const batch = Buffer.alloc(CHUNK);
      let used = 0;
      for (const e of entries) {
        if (used + e.length > CHUNK) {
          writeSync(dst, batch, 0, used);
          used = 0;
        }
        if (e.length > CHUNK) {
          const big = Buffer.alloc(e.length);
          readSync(src, big, 0, e.length, e.offset);
          writeSync(dst, big);
        } else {
          readSync(src, batch, used, e.length, e.offset);
          used += e.length;
        }
      }
      if (used > 0) writeSync(dst, batch, 0, used);
      fsyncSync(dst);
    } finally {
      closeSync(dst);
    }
    renameSync(tmp, out);
  } finally {
    closeSync(src);
  }
  return { written: entries.length, duplicates, firstMs: entries[0]?.ms ?? null, lastMs: entries.at(-1)?.ms ?? null };
}
