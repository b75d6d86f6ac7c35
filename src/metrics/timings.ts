// The one place where TTFB, TTFT, ITL, latency and the time per flow node are derived from a request's raw timestamps.
import type { NodeTiming } from '../record/node-timing.js';
import type { ProgressMark } from '../stackai/types.js';

/** Raw timestamps of one request, ms on the shared clock (see clock/clock.ts). */
export interface RawTimestamps {
  /** When the scheduler decided the request should start. */
  scheduled: number;
  /** When the final attempt's HTTP request was sent. */
  sent: number;
  /** When the first attempt was sent (the harness's own wait ends here; later waits are backoff). */
  firstSent?: number;
  firstByte: number | null;
  /** Arrival of each frame that carried content (stream modes); empty in run mode. */
  contentFrames: number[];
  end: number;
}

export interface DerivedTimings {
  ttfbMs: number | null;
  ttftMs: number | null;
  latencyMs: number;
  /** Send lag + pool queueing before the first attempt: time the harness, not the flow, spent (backoff excluded). */
  queueMs: number;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Latencies count from the scheduled time (so harness queueing is never hidden, as in wrk2);
 * queueMs says how much of that the harness itself took.
 */
export function deriveTimings(t: RawTimestamps): DerivedTimings {
  const firstContent = t.contentFrames.length > 0 ? t.contentFrames[0]! : null;
  return {
    ttfbMs: t.firstByte === null ? null : round(t.firstByte - t.scheduled),
    ttftMs: firstContent === null ? null : round(firstContent - t.scheduled),
    latencyMs: round(t.end - t.scheduled),
    queueMs: round(Math.max(0, (t.firstSent ?? t.sent) - t.scheduled)),
  };
}

/** Gaps between consecutive content frames, ms (GenAI-Perf's inter-token latency per frame). */
export function interTokenLatencies(contentFrames: number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < contentFrames.length; i++) gaps.push(contentFrames[i]! - contentFrames[i - 1]!);
  return gaps;
}

export interface NodeTimings {
  nodes: NodeTiming[];
  /** The node current when the first content frame arrived; null without content or progress before it. */
  firstContentNode: string | null;
}

/**
 * A stay in a node starts at the first frame naming it current_node and lasts until the first frame
 * naming another (the last one until the stream's end). Changes of started / completed counts alone
 * do not start a stay: several nodes can run at once, and only current_node says which one the flow
 * is in. A node met again later is a second stay. Completion is never read from these counts.
 * `firstContentMark` indexes `progress` (the decoder's mark current at the first content frame).
 */
export function deriveNodeTimings(progress: readonly ProgressMark[], sent: number, end: number, firstContentMark?: number): NodeTimings {
  const nodes: NodeTiming[] = [];
  let open: { node: string; at: number } | null = null;
  let firstContentNode: string | null = null;
  const close = (until: number) => {
    if (open !== null) nodes.push({ node: open.node, startMs: round(open.at - sent), durationMs: round(Math.max(0, until - open.at)) });
  };
  progress.forEach((p, i) => {
    if (p.node !== null && p.node !== open?.node) {
      close(p.at);
      open = { node: p.node, at: p.at };
    }
    if (i === firstContentMark) firstContentNode = open?.node ?? null;
  });
  close(end);
  return { nodes, firstContentNode };
}

/** The part of a stay in a node spent before the first content frame, ms (0 for a stay after it). */
export function nodeTimeBeforeFirstContent(n: NodeTiming, firstContentFromSendMs: number): number {
  const ms = Math.min(n.startMs + n.durationMs, firstContentFromSendMs) - n.startMs;
  // Both sides were rounded to the µs on their own (the record's timestamps, the node's start): a node
  // whose first frame brought the first content can come out 1 µs "before" it, which is none.
  return ms <= 0.0011 ? 0 : round(ms);
}
