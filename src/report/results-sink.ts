// results.jsonl: one line per finished request, written in small batches of whole lines so that a
// crash (even kill -9) leaves only whole lines on disk, and at most the last fraction of a second unwritten.
// A write that fails (disk full, I/O error) is reported once, through onError, and never thrown at the
// thread that handed the line over: the run stops sending, and close() rejects with the OutputError.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ResultRecord } from '../record/result-record.js';
import { type OutputError, outputError } from './output-error.js';

export interface ResultsSinkOptions {
  /** Flush once this many lines are waiting... */
  maxLines?: number;
  /** ...or when the next line might not fit in this many bytes (the batch buffer, allocated once)... */
  maxBytes?: number;
  /** ...or this long after the first waiting line, ms. */
  maxDelayMs?: number;
  /** Called once, on the first failed write. */
  onError?: (err: OutputError) => void;
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
  private failure: OutputError | null = null;
  private readonly maxLines: number;
  private readonly maxDelayMs: number;
  private readonly onError: ((err: OutputError) => void) | undefined;
  /** Lines that could not be written: the failed batch, and every line after it. */
  lost = 0;

  /** The first failed write, or null. */
  get failed(): OutputError | null {
    return this.failure;
  }

  /** Appends to `path` (a resumed run keeps what is there; a new run starts from an empty file). Throws an OutputError when it cannot be opened. */
  constructor(
    private readonly path: string,
    opts: ResultsSinkOptions = {},
  ) {
    try {
      this.fd = openSync(path, 'a');
    } catch (err) {
      throw outputError(path, err);
    }
    this.onError = opts.onError;
    this.maxLines = opts.maxLines ?? 512;
    this.buffer = Buffer.allocUnsafe(opts.maxBytes ?? 256 * 1024);
    this.maxDelayMs = opts.maxDelayMs ?? 100;
    // process.exit() (a second Ctrl-C) skips timers but runs 'exit' listeners: flush the waiting lines there.
    process.on('exit', this.onExit);
  }

  private readonly onExit = (): void => this.flush();

  /**
   * Queues one whole line. After a failed write, or after close(), a line is dropped: after close() it
   * belongs to a request abandoned after the grace period; either way --resume runs it again.
   */
  write(record: ResultRecord): void {
    this.writeText(`${JSON.stringify(record)}\n`, 1);
  }

  /**
   * Queues whole lines already encoded where their records were completed (a thread's batch): the main
   * thread appends their bytes and never parses or re-encodes them.
   */
  writeText(line: string, lines: number): void {
    if (this.failure) {
      this.lost += lines;
      return;
    }
    if (this.fd === null) return;
    // A UTF-8 line takes at most 3 bytes per UTF-16 unit: if it might not fit, make room first.
    if (this.waitingBytes + line.length * 3 > this.buffer.length) {
      this.flush();
      if (line.length * 3 > this.buffer.length) {
        this.writeAll(Buffer.from(line, 'utf8'), lines); // a line longer than the whole buffer goes on its own
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
    const lines = this.waitingLines;
    this.waitingBytes = 0;
    this.waitingLines = 0;
    this.writeAll(this.buffer.subarray(0, bytes), lines);
  }

  private writeAll(data: Buffer, lines: number): void {
    if (this.fd === null || this.failure) return;
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    } catch (err) {
      // Part of the batch may be on disk, its last line torn: --resume drops a torn last line.
      this.failure = outputError(this.path, err);
      this.lost += lines;
      this.onError?.(this.failure);
    }
  }

  close(): Promise<void> {
    this.flush();
    process.off('exit', this.onExit);
    if (this.fd !== null) {
      try {
        closeSync(this.fd); // a deferred write error (a network disk) can surface here
      } catch (err) {
        this.failure ??= outputError(this.path, err);
      }
      this.fd = null;
    }
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }
}
