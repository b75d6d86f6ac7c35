// The plan: every (iteration, row, variant) once, generated lazily from a streamed dataset.
// Variant order rotates per row so no variant is always first (or last) in time.
import { readRows } from '../dataset/read-rows.js';
import type { DatasetSpec } from '../suite/types.js';

export interface PlannedRequest {
  variant: number;
  row: number;
  iteration: number;
  values: Record<string, unknown>;
}

export async function* planRequests(dataset: DatasetSpec, variantCount: number, iterations: number): AsyncGenerator<PlannedRequest> {
  for (let iteration = 0; iteration < iterations; iteration++) {
    for await (const row of readRows(dataset)) {
      for (let k = 0; k < variantCount; k++) {
        yield { variant: (row.index + k) % variantCount, row: row.index, iteration, values: row.values };
      }
    }
  }
}
