// results.jsonl: one line per finished request, written in small batches of whole lines so that a
// crash (even kill -9) leaves only whole lines on disk, and at most the last fraction of a second unwritten.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ResultRecord } from '../record/result-record.js';

export interface ResultsSinkOptions {
  /** Flush once this many lines are waiting... */
  maxLines?: number;
  /** ...or when the next line might not fit in this many bytes (the batch buffer, allocated once)... */
  maxBytes?: number;
  /** ...or this long after the first waiting line, ms. */
  maxDelayMs?: number;
}

export class ResultsSink {
  private fd: number | null;
  /**
   * The waiting lines, already UTF-8 encoded: each line's string dies young instead of being kept
   * (and copied by every young-generation collection, some promoted) until the batch is joined.
   */
  private readonly buffer: Buffer;
  private waitingBytes = 0;
  private waitingLines = 0;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private readonly maxLines: number;
  private readonly maxDelayMs: number;

  /** Appends to `path` (a resumed run keeps what is there; a new run starts from an empty file). */
  constructor(path: string, opts: ResultsSinkOptions = {}) {
    this.fd = openSync(path, 'a');
    this.maxLines = opts.maxLines ?? 512;
    this.buffer = Buffer.allocUnsafe(opts.maxBytes ?? 256 * 1024);
    this.maxDelayMs = opts.maxDelayMs ?? 100;
    // process.exit() (a second Ctrl-C) skips timers but runs 'exit' listeners: flush the waiting lines there.
    process.on('exit', this.onExit);
  }

  private readonly onExit = (): void => this.flush();

  /**
   * Queues one whole line; throws if an earlier write failed (disk full, say). After close() a line
   * is dropped: it belongs to a request abandoned after the grace period, which --resume runs again.
   */
  write(record: ResultRecord): void {
    this.writeText(`${JSON.stringify(record)}\n`, 1);
  }

  /**
   * Queues whole lines already encoded where their records were completed (a thread's batch): the main
   * thread appends their bytes and never parses or re-encodes them.
   */
  writeText(line: string, lines: number): void {
    if (this.failure) throw this.failure;
    if (this.fd === null) return;
    // A UTF-8 line takes at most 3 bytes per UTF-16 unit: if it might not fit, make room first.
    if (this.waitingBytes + line.length * 3 > this.buffer.length) {
      this.flush();
      if (line.length * 3 > this.buffer.length) {
        this.writeAll(Buffer.from(line, 'utf8')); // a line longer than the whole buffer goes on its own
        return;
      }
    }
    this.waitingBytes += this.buffer.write(line, this.waitingBytes, 'utf8');
    this.waitingLines += lines;
    if (this.waitingLines >= this.maxLines) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  /**
   * Writes every waiting line with synchronous writes of whole lines: the batch reaches the OS
   * before anything else runs, so a process killed later loses nothing already flushed.
   */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.fd === null || this.waitingBytes === 0 || this.failure) return;
    const bytes = this.waitingBytes;
    this.waitingBytes = 0;
    this.waitingLines = 0;
    this.writeAll(this.buffer.subarray(0, bytes));
  }

  private writeAll(data: Buffer): void {
    if (this.fd === null || this.failure) return;
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    } catch (err) {
      this.failure = err as Error;
    }
  }

  close(): Promise<void> {
    this.flush();
    process.off('exit', this.onExit);
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }
}
