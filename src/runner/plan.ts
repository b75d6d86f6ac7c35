// The plan: every (iteration, row, repeat, variant) once, generated lazily from a streamed dataset.
// Variant order rotates per row (and per repeat) so no variant is always first (or last) in time; a
// row's repeats are planned next to each other, so drift over the run hits every repeat and variant alike.
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

/**
 * `iterations` passes over the dataset; null cycles it until the consumer stops pulling. With `repeat`
 * N > 1 each pass asks every row N times per variant, in the order row i: r0 (v0, v1), r1 (v1, v0), …
 * (the variant order shifted by one per repeat), and every request carries its `repeat` index.
 */
export async function* planRequests(dataset: DatasetSpec, variantCount: number, iterations: number | null, repeat = 1): AsyncGenerator<PlannedRequest> {
  if (dataset.conversation) return yield* planConversations({ ...dataset, conversation: dataset.conversation }, variantCount, iterations, repeat);
  let kept: DatasetRow[] | null = null;
  for (let iteration = 0; iterations === null || iteration < iterations; iteration++) {
    // Kept only when another pass may follow, and only once a whole pass has been read.
    let keeping: DatasetRow[] | null = kept === null && (iterations === null || iterations > 1) && smallFile(dataset.path) ? [] : null;
    let rows = 0;
    for await (const row of kept ?? readRows(dataset)) {
      rows++;
      if (keeping !== null) keeping = keeping.length < KEEP_ROWS ? (keeping.push(row), keeping) : null;
      if (repeat === 1) {
        for (let k = 0; k < variantCount; k++) yield { variant: (row.index + k) % variantCount, row: row.index, iteration, values: row.values };
        continue;
      }
      for (let r = 0; r < repeat; r++) {
        for (let k = 0; k < variantCount; k++) yield { variant: (row.index + r + k) % variantCount, row: row.index, iteration, repeat: r, values: row.values };
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
