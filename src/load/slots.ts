// A counting semaphore for the in-flight cap: acquire waits (in order) until fewer than `limit` are held.

export class Slots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {}

  get inUse(): number {
    return this.held;
  }

  /** True when a slot is free right now (acquire would not wait). */
  get free(): boolean {
    return this.held < this.limit;
  }

  async acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held++;
      return;
    }
    // release() hands its slot straight to the first waiter, so `held` stays counted.
    await new Promise<void>((r) => this.waiting.push(r));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next && this.held <= this.limit) next();
    else this.held--;
  }

  /** Changes the limit (ramping concurrency); waiters are let in as room appears. */
  resize(limit: number): void {
    this.limit = limit;
    while (this.held < this.limit && this.waiting.length > 0) {
      this.held++;
      this.waiting.shift()!();
    }
  }
}
