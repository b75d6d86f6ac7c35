// A request's time per flow node, as results.jsonl keeps it (derived in metrics/timings.ts from the
// stream's progress_data transitions).

/** One stay in a node: from the frame that made it current_node to the frame that named the next one. */
export interface NodeTiming {
  /** current_node as the flow reported it. */
  node: string;
  /** From the final attempt's send to the node's first frame, ms. */
  startMs: number;
  /** From the node's first frame to the next node's first frame (the last node: to the stream's end), ms. */
  durationMs: number;
}
