// Per-variant time per flow node (from each successful stream's `nodes`): HDR histograms per node name of
// its start, its duration and its share of the time to first token, added per result, percentiles once at
// the end; take() / merge() carry what a thread added to the main thread's total, exactly.
import type { ResultRecord } from '../record/result-record.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { mergeHistograms, takeHistograms, type HistogramDelta } from './histogram-delta.js';
import { nodeTimeBeforeFirstContent } from './timings.js';

/** One node of a variant's flow, over its successful streams that passed through it. */
export interface NodeSummary {
  /** current_node as the flow reported it. */
  node: string;
  /** Successful requests that passed through the node. */
  requests: number;
  /** From the final attempt's send to the node's start (its first frame), ms. */
  startMs: MetricSummary;
  /** Time in the node: from its start to the next node's start (the last node: to the stream's end), ms; a node met twice in one stream counts its stays together. */
  durationMs: MetricSummary;
  /** The part of durationMs before the request's first content frame, ms (0 for a node after it): where the time to first token goes. */
  beforeFirstTokenMs: MetricSummary;
  /** Requests whose first content frame arrived while this node was current_node. */
  firstContent: number;
}

/** A flow names its nodes; a server naming more than this many per variant has the rest left out (memory stays bounded). */
export const MAX_NODE_NAMES = 64;

type NodeHistogram = 'start' | 'duration' | 'beforeFirst';

interface NodeEntry {
  h: Record<NodeHistogram, Histogram>;
  requests: number;
  firstContent: number;
}

export interface NodeStatsDelta {
  /** Per node name in first-seen order. */
  nodes: [name: string, { histograms: Partial<Record<NodeHistogram, HistogramDelta>>; requests: number; firstContent: number }][];
}

const newEntry = (): NodeEntry => ({ h: { start: newHistogram(), duration: newHistogram(), beforeFirst: newHistogram() }, requests: 0, firstContent: 0 });

export class NodeStats {
  private readonly byName = new Map<string, NodeEntry>();

  private entry(name: string): NodeEntry | null {
    let e = this.byName.get(name);
    if (e === undefined) {
      if (this.byName.size >= MAX_NODE_NAMES) return null;
      this.byName.set(name, (e = newEntry()));
    }
    return e;
  }

  /** Successful requests only, as the other timings: a failed stream's nodes say where it broke, not how long a node takes. */
  add(r: ResultRecord): void {
    if (!r.ok || r.nodes === undefined || r.nodes.length === 0) return;
    const first = r.timestamps.contentFrames[0];
    const firstFromSend = first === undefined ? null : first - r.timestamps.sent;
    // A node met twice in one stream: its stays add up to one duration, its start is the first.
    const perNode = new Map<string, { start: number; duration: number; beforeFirst: number }>();
    for (const n of r.nodes) {
      const before = firstFromSend === null ? 0 : nodeTimeBeforeFirstContent(n, firstFromSend);
      const seen = perNode.get(n.node);
      if (seen === undefined) perNode.set(n.node, { start: n.startMs, duration: n.durationMs, beforeFirst: before });
      else {
        seen.duration += n.durationMs;
        seen.beforeFirst += before;
      }
    }
    for (const [name, v] of perNode) {
      const e = this.entry(name);
      if (e === null) continue;
      e.requests++;
      recordMs(e.h.start, v.start);
      recordMs(e.h.duration, v.duration);
      recordMs(e.h.beforeFirst, v.beforeFirst);
    }
    if (r.firstContentNode !== undefined) {
      const e = this.entry(r.firstContentNode);
      if (e !== null) e.firstContent++;
    }
  }

  take(): NodeStatsDelta {
    const nodes: NodeStatsDelta['nodes'] = [];
    for (const [name, e] of this.byName) {
      nodes.push([name, { histograms: takeHistograms(e.h), requests: e.requests, firstContent: e.firstContent }]);
      e.requests = 0;
      e.firstContent = 0;
    }
    return { nodes };
  }

  merge(d: NodeStatsDelta): void {
    for (const [name, part] of d.nodes) {
      const e = this.entry(name);
      if (e === null) continue;
      mergeHistograms(e.h, part.histograms);
      e.requests += part.requests;
      e.firstContent += part.firstContent;
    }
  }

  /**
   * The nodes in flow order: by median start, then by name. A node only ever current when content came
   * first (no request passed through it successfully) is left out.
   */
  summary(): NodeSummary[] {
    const out: NodeSummary[] = [];
    for (const [node, e] of this.byName) {
      const startMs = summarize(e.h.start);
      const durationMs = summarize(e.h.duration);
      const beforeFirstTokenMs = summarize(e.h.beforeFirst);
      if (startMs === null || durationMs === null || beforeFirstTokenMs === null) continue;
      out.push({ node, requests: e.requests, startMs, durationMs, beforeFirstTokenMs, firstContent: e.firstContent });
    }
    return out.sort((a, b) => a.startMs.p50 - b.startMs.p50 || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }
}
