// results.jsonl: one line per finished request, appended as it finishes.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ResultRecord } from '../worker/messages.js';

export class ResultsSink {
  private readonly out: WriteStream;
  private failure: Error | null = null;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => (this.failure = err));
  }

  /** Lines go to the OS as soon as the stream drains; a whole line is written in one call. */
  write(record: ResultRecord): void {
    if (this.failure) throw this.failure;
    this.out.write(`${JSON.stringify(record)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end(() => (this.failure ? reject(this.failure) : resolve()));
    });
  }
}
