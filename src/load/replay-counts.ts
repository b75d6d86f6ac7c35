// A replay's arrivals per second, as traced and as sent, counted as they happen (two numbers per second
// of the replay, not per request), and summed into at most MAX_REPLAY_BUCKETS buckets for report.json.
import type { ReplayBucket } from './request-plan.js';

/** Longer replays get wider buckets, so report.json and report.html stay small (as the timeline does). */
export const MAX_REPLAY_BUCKETS = 1800;

export class ReplayCounts {
  private readonly traced: number[] = [];
  private readonly sentAt: number[] = [];
  private plannedCount = 0;
  private sentCount = 0;
  private firstMs: number | null = null;
  private lastMs: number | null = null;

  /** A row scheduled `offsetMs` after the replay's start; `tracedMs` is its epoch time in the trace. */
  planned(offsetMs: number, tracedMs: number): void {
    bump(this.traced, offsetMs);
    this.plannedCount++;
    this.firstMs = this.firstMs === null ? tracedMs : Math.min(this.firstMs, tracedMs);
    this.lastMs = this.lastMs === null ? tracedMs : Math.max(this.lastMs, tracedMs);
  }

  /** A row handed over `atMs` after the replay's start. */
  sent(atMs: number): void {
    bump(this.sentAt, atMs);
    this.sentCount++;
  }

  summary(): { planned: number; sent: number; firstMs: number | null; lastMs: number | null; buckets: ReplayBucket[] } {
    const seconds = Math.max(this.traced.length, this.sentAt.length);
    const widthS = Math.max(1, Math.ceil(seconds / MAX_REPLAY_BUCKETS));
    const buckets: ReplayBucket[] = [];
    for (let t = 0; t < seconds; t += widthS) {
      let traced = 0;
      let sent = 0;
      for (let s = t; s < Math.min(seconds, t + widthS); s++) {
        traced += this.traced[s] ?? 0;
        sent += this.sentAt[s] ?? 0;
      }
      buckets.push({ t, widthS, traced, sent });
    }
    return { planned: this.plannedCount, sent: this.sentCount, firstMs: this.firstMs, lastMs: this.lastMs, buckets };
  }
}

function bump(counts: number[], ms: number): void {
  const s = Math.max(0, Math.floor(ms / 1000));
  // Fill the gap so the array stays dense (holes would read as undefined, and cost more).
  while (counts.length <= s) counts.push(0);
  counts[s] = (counts[s] ?? 0) + 1;
}
