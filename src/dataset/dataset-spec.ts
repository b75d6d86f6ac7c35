// A suite's dataset: section after loading (the loader: suite/; the readers: this folder).

export interface DatasetSpec {
  /** Absolute path. */
  path: string;
  format: 'csv' | 'jsonl' | 'json';
  /** Flow inputs per row. String values are templates ({{column}}, {{row}}); other values pass through as they are. */
  inputs: Record<string, unknown>;
  /** Template for the expected answer, or null. */
  expected: string | null;
  limit: number | null;
}
