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

/** `iterations` passes over the dataset; null cycles it until the consumer stops pulling. */
export async function* planRequests(dataset: DatasetSpec, variantCount: number, iterations: number | null): AsyncGenerator<PlannedRequest> {
  for (let iteration = 0; iterations === null || iteration < iterations; iteration++) {
    let rows = 0;
    for await (const row of readRows(dataset)) {
      rows++;
      for (let k = 0; k < variantCount; k++) {
        yield { variant: (row.index + k) % variantCount, row: row.index, iteration, values: row.values };
      }
    }
    if (rows === 0) return; // an empty dataset must not cycle forever
  }
}

/** The first `n` items of a plan (n null: all of them). */
export async function* take<T>(plan: AsyncIterable<T>, n: number | null): AsyncGenerator<T> {
  if (n === 0) return;
  let k = 0;
  for await (const item of plan) {
    yield item;
    if (n !== null && ++k >= n) return;
  }
}
