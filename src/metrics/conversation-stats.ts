// Per-turn statistics of a conversation dataset, per variant: how each turn index fares (does the flow get
// slower as its memory grows?) and how many conversations completed, failed, and how many turns were skipped.
// Fed on the main thread, where every turn's record comes back (the next turn waits for it anyway).
import type { ResultRecord } from '../record/result-record.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';

export interface TurnSummary {
  /** 1-based turn index. */
  turn: number;
  /** Turns sent (skipped ones not included). */
  requests: number;
  ok: number;
  errors: number;
  /** Turns never sent: an earlier turn of their conversation failed (or the run stopped). */
  skipped: number;
  /** Of the turns that succeeded, ms. */
  ttftMs: MetricSummary | null;
  latencyMs: MetricSummary | null;
}

export interface ConversationVariantSummary {
  variant: string;
  /** Conversations started. */
  conversations: number;
  /** Every turn succeeded. */
  completed: number;
  /** Ended by a failed turn (or cut short by the run stopping). */
  failed: number;
  skippedTurns: number;
  turns: TurnSummary[];
}

/** report.json's `conversations` section (measured conversations only: warm-up excluded). */
export interface ConversationsReport {
  variants: ConversationVariantSummary[];
}

interface TurnTally {
  requests: number;
  ok: number;
  errors: number;
  skipped: number;
  ttft: Histogram;
  latency: Histogram;
}

export class ConversationStats {
  private readonly variants: { conversations: number; completed: number; failed: number; skipped: number; turns: TurnTally[] }[];

  /** Conversations seen through fromLine(), not yet ended: key → whether a turn failed or was skipped. */
  private readonly open = new Map<string, boolean>();

  constructor(private readonly names: string[]) {
    this.variants = names.map(() => ({ conversations: 0, completed: 0, failed: 0, skipped: 0, turns: [] }));
  }

  private tally(variant: number, turn: number): TurnTally {
    const turns = this.variants[variant]!.turns;
    while (turns.length < turn) turns.push({ requests: 0, ok: 0, errors: 0, skipped: 0, ttft: newHistogram(), latency: newHistogram() });
    return turns[turn - 1]!;
  }

  /** A turn that was sent and answered (or failed). */
  sent(variant: number, turn: number, r: ResultRecord): void {
    const t = this.tally(variant, turn);
    t.requests++;
    if (!r.ok) {
      t.errors++;
      return;
    }
    t.ok++;
    if (r.ttftMs !== null) recordMs(t.ttft, r.ttftMs);
    recordMs(t.latency, r.latencyMs);
  }

  skipped(variant: number, turn: number): void {
    this.tally(variant, turn).skipped++;
    this.variants[variant]!.skipped++;
  }

  /**
   * One results.jsonl line of a measured conversation turn, for a report rebuilt from the file
   * (`flowbench report`, merge): its conversation ends with the summary, completed when every line of it
   * succeeded. Lines of warm-up or without a conversation are left out.
   */
  fromLine(variant: number, r: ResultRecord): void {
    if (r.warmup === true || r.conversation === undefined || typeof r.turn !== 'number') return;
    if (r.skipped === true) this.skipped(variant, r.turn);
    else this.sent(variant, r.turn, r);
    const key = `${variant}\u0000${r.conversation}\u0000${r.iteration}\u0000${r.repeat ?? 0}`;
    this.open.set(key, (this.open.get(key) ?? false) || !r.ok);
  }

  /** A conversation is over: every turn succeeded, or not. */
  ended(variant: number, completed: boolean): void {
    const v = this.variants[variant]!;
    v.conversations++;
    if (completed) v.completed++;
    else v.failed++;
  }

  summary(): ConversationsReport {
    for (const [key, failed] of this.open) this.ended(Number(key.slice(0, key.indexOf('\u0000'))), !failed);
    this.open.clear();
    return {
      variants: this.variants.map((v, i) => ({
        variant: this.names[i]!,
        conversations: v.conversations,
        completed: v.completed,
        failed: v.failed,
        skippedTurns: v.skipped,
        turns: v.turns.map((t, k) => ({
          turn: k + 1,
          requests: t.requests,
          ok: t.ok,
          errors: t.errors,
          skipped: t.skipped,
          ttftMs: summarize(t.ttft),
          latencyMs: summarize(t.latency),
        })),
      })),
    };
  }
}
