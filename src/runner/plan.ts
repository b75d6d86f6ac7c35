// The plan: every (iteration, row, variant) once, generated lazily from a streamed dataset.
// Variant order rotates per row so no variant is always first (or last) in time.
import { statSync } from 'node:fs';
import { readRows, type DatasetRow } from '../dataset/read-rows.js';
import type { PlannedRequest } from '../load/request-plan.js';
import type { DatasetSpec } from '../suite/types.js';
import { planConversations } from './plan-conversations.js';

export type { PlannedRequest } from '../load/request-plan.js';

/**
 * A dataset this small is kept after its first pass instead of being re-read and re-parsed on every
 * pass (~3 µs a row, a tenth of a zero-latency request's client CPU). The bounds keep what is held
 * small; anything larger streams on every pass, so memory never grows with the dataset.
 */
export const KEEP_ROWS = 10_000;
export const KEEP_BYTES = 1024 * 1024;

/** `iterations` passes over the dataset; null cycles it until the consumer stops pulling. */
export async function* planRequests(dataset: DatasetSpec, variantCount: number, iterations: number | null): AsyncGenerator<PlannedRequest> {
  if (dataset.conversation) return yield* planConversations({ ...dataset, conversation: dataset.conversation }, variantCount, iterations);
  let kept: DatasetRow[] | null = null;
  for (let iteration = 0; iterations === null || iteration < iterations; iteration++) {
    // Kept only when another pass may follow, and only once a whole pass has been read.
    let keeping: DatasetRow[] | null = kept === null && (iterations === null || iterations > 1) && smallFile(dataset.path) ? [] : null;
    let rows = 0;
    for await (const row of kept ?? readRows(dataset)) {
      rows++;
      if (keeping !== null) keeping = keeping.length < KEEP_ROWS ? (keeping.push(row), keeping) : null;
      for (let k = 0; k < variantCount; k++) {
        yield { variant: (row.index + k) % variantCount, row: row.index, iteration, values: row.values };
      }
    }
    if (rows === 0) return; // an empty dataset must not cycle forever
    kept ??= keeping;
  }
}

function smallFile(path: string): boolean {
  try {
    return statSync(path).size <= KEEP_BYTES;
  } catch {
    return false; // readRows reports a missing or unreadable file
  }
}

/** The first `n` items of a plan (n null: all of them). */
export function take<T>(plan: AsyncIterable<T>, n: number | null): AsyncIterable<T> {
  if (n === null) return plan; // no pass-through layer (each costs a promise per request)
  return (async function* () {
    if (n === 0) return;
    let k = 0;
    for await (const item of plan) {
      yield item;
      if (++k >= n) return;
    }
  })();
}
