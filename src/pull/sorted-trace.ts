// The last step of a pull: the spool's lines in time order (stable), each run once, written to --out by an
// atomic rename. Only an index (time, place, length: typed arrays; the run ids seen) is held in memory, never the lines.
import { tempName } from '../report/whole-file.js';
import { closeSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';

/** The index, one slot per line in three typed arrays (24 bytes a line, not an object each). */
class LineIndex {
  ms = new Float64Array(1024);
  offset = new Float64Array(1024);
  length = new Uint32Array(1024);
  size = 0;

  push(ms: number, offset: number, length: number): void {
    if (this.size === this.ms.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.ms = grow(this.ms, (n) => new Float64Array(n));
      this.offset = grow(this.offset, (n) => new Float64Array(n));
      this.length = grow(this.length, (n) => new Uint32Array(n));
    }
    this.ms[this.size] = ms;
    this.offset[this.size] = offset;
    this.length[this.size] = length;
    this.size++;
  }

  /** Slot numbers in time order; equal times keep the spool's order. */
  order(): Uint32Array {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    return order.sort((a, b) => this.ms[a]! - this.ms[b]! || a - b);
  }
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
  const index = new LineIndex();
  let order: Uint32Array = new Uint32Array(0);
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
      index.push(Date.parse(line.timestamp), offset, text.length + 1);
    });
    order = index.order();
    const tmp = tempName(out);
    const dst = openSync(tmp, 'w');
    try {
      const batch = Buffer.alloc(CHUNK);
      let used = 0;
      for (const i of order) {
        const length = index.length[i]!;
        const offset = index.offset[i]!;
        if (used + length > CHUNK) {
          writeSync(dst, batch, 0, used);
          used = 0;
        }
        if (length > CHUNK) {
          const big = Buffer.alloc(length);
          readSync(src, big, 0, length, offset);
          writeSync(dst, big);
        } else {
          readSync(src, batch, used, length, offset);
          used += length;
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
  const first = order[0];
  const last = order.at(-1);
  return { written: order.length, duplicates, firstMs: first === undefined ? null : index.ms[first]!, lastMs: last === undefined ? null : index.ms[last]! };
}
