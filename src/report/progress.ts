// Progress for long runs, on stderr: on a TTY a live bar (elapsed / remaining, req/s, errors, TTFT p50);
// elsewhere (CI logs) one plain summary line every 10 s.
import { nowMs } from '../clock/clock.js';

export interface ProgressState {
  /** Measured requests the run plans to start, when known. */
  planned: number | null;
  /** Planned length of the measured load, ms, when known (durations, stages, sweeps). */
  plannedMs: number | null;
  done: number;
  errors: number;
  inFlight: number;
  /** TTFT p50 so far, ms. */
  ttftP50Ms: number | null;
  /** Warm-up requests finished (shown while warming up). */
  warmupDone: number;
}

const BAR_WIDTH = 24;

/** The progress text for a state at `elapsedS` seconds: pure, so it is tested without a terminal. */
export function progressLine(s: ProgressState, elapsedS: number, bar: boolean): string {
  const rate = elapsedS > 0 ? s.done / elapsedS : 0;
  let fraction: number | null = null;
  let remainingS: number | null = null;
  if (s.planned !== null && s.planned > 0) {
    fraction = Math.min(1, s.done / s.planned);
    if (rate > 0) remainingS = Math.max(0, (s.planned - s.done) / rate);
  }
  if (s.plannedMs !== null && s.plannedMs > 0) {
    const byTime = Math.min(1, (elapsedS * 1000) / s.plannedMs);
    // Whichever limit is nearer ends the run first.
    if (fraction === null || byTime > fraction) {
      fraction = byTime;
      remainingS = Math.max(0, s.plannedMs / 1000 - elapsedS);
    }
  }
  const parts: string[] = [];
  if (bar && fraction !== null) {
    const full = Math.round(fraction * BAR_WIDTH);
    parts.push(`[${'#'.repeat(full)}${'-'.repeat(BAR_WIDTH - full)}] ${(fraction * 100).toFixed(0).padStart(3)}%`);
  }
  parts.push(`${fmtS(elapsedS)} elapsed${remainingS === null ? '' : `, ${fmtS(remainingS)} left`}`);
  parts.push(`${s.done}${s.planned === null ? '' : `/${s.planned}`} done`);
  parts.push(`${s.errors} errors`);
  parts.push(`${rate.toFixed(1)} req/s`);
  parts.push(`TTFT p50 ${s.ttftP50Ms === null ? '-' : `${Math.round(s.ttftP50Ms)} ms`}`);
  // Last: on a narrow terminal the line is cut at its width, and this is the figure to lose first.
  parts.push(`${s.inFlight} in flight`);
  if (s.done === 0 && s.warmupDone > 0) parts.push(`warm-up ${s.warmupDone}`);
  return parts.join(' | ');
}

function fmtS(s: number): string {
  const t = Math.round(s);
  return t >= 60 ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}

export class Progress {
  private timer: NodeJS.Timeout | null = null;
  private start = nowMs();
  private lastLine = '';

  constructor(
    private readonly state: () => ProgressState,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
    private readonly plainEveryMs = 10_000,
  ) {}

  begin(): void {
    if (!this.enabled) return;
    this.start = nowMs();
    const tty = this.out.isTTY === true;
    this.timer = setInterval(() => this.tick(tty), tty ? 200 : this.plainEveryMs);
    this.timer.unref();
  }

  private tick(tty: boolean): void {
    const l = progressLine(this.state(), (nowMs() - this.start) / 1000, tty);
    if (tty) {
      const cols = this.out.columns ?? 120;
      const shown = l.length > cols - 1 ? l.slice(0, cols - 1) : l;
      this.out.write(`\r${shown.padEnd(this.lastLine.length)}`);
      this.lastLine = shown;
    } else {
      this.out.write(`progress: ${l}\n`);
    }
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled && this.out.isTTY && this.lastLine) this.out.write(`\r${' '.repeat(this.lastLine.length)}\r`);
  }
}
