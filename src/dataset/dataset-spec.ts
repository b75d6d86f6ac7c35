// A suite's dataset: section after loading (the loader: suite/; the readers: this folder).

/** How rows form conversations (dataset.conversation / turn / turns); see docs/conversations.md. */
export interface ConversationSpec {
  /** Template of a row's conversation id ("{{conv}}"; a bare column name is normalised to one); null: each row (with `turns`) is one conversation. */
  id: string | null;
  /** Column holding the 1-based turn number, or null: file order within the conversation. */
  turn: string | null;
  /** Column holding a list of turn objects (JSONL / JSON rows), or null: one row per turn. */
  turns: string | null;
  /**
   * Rows of conversations may interleave (a replayed trace): every conversation is held until the file
   * ends, then they come in the order of their first rows. Absent: each conversation's rows are consecutive.
   */
  interleaved?: boolean;
}

export interface DatasetSpec {
  /** Absolute path. */
  path: string;
  format: 'csv' | 'jsonl' | 'json';
  /** Flow inputs per row. String values are templates ({{column}}, {{row}}); other values pass through as they are. */
  inputs: Record<string, unknown>;
  /** Template for the expected answer, or null. */
  expected: string | null;
  limit: number | null;
  /** Rows grouped into multi-turn conversations; absent (or null): every row is a request of its own. */
  conversation?: ConversationSpec | null;
}
