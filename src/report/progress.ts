// Progress for long runs: a live line on a TTY, a plain line every 10 s elsewhere (CI logs).
import { nowMs } from '../metrics/clock.js';

export interface ProgressState {
  planned: number | null;
  done: number;
  errors: number;
  inFlight: number;
}

export class Progress {
  private timer: NodeJS.Timeout | null = null;
  private readonly start = nowMs();
  private lastLine = '';

  constructor(
    private readonly state: () => ProgressState,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {}

  begin(): void {
    if (!this.enabled) return;
    const tty = this.out.isTTY === true;
    this.timer = setInterval(() => this.tick(tty), tty ? 200 : 10_000);
    this.timer.unref();
  }

  private line(): string {
    const s = this.state();
    const elapsed = (nowMs() - this.start) / 1000;
    const rate = elapsed > 0 ? s.done / elapsed : 0;
    const total = s.planned === null ? '' : `/${s.planned}`;
    const eta = s.planned !== null && rate > 0 ? ` eta ${Math.max(0, (s.planned - s.done) / rate).toFixed(0)}s` : '';
    return `${s.done}${total} done, ${s.errors} errors, ${s.inFlight} in flight, ${rate.toFixed(1)} req/s, ${elapsed.toFixed(0)}s elapsed${eta}`;
  }

  private tick(tty: boolean): void {
    const l = this.line();
    if (tty) {
      this.out.write(`\r${l.padEnd(this.lastLine.length)}`);
      this.lastLine = l;
    } else {
      this.out.write(`progress: ${l}\n`);
    }
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled && this.out.isTTY && this.lastLine) this.out.write(`\r${' '.repeat(this.lastLine.length)}\r`);
  }
}
