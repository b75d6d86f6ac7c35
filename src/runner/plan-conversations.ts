// The plan of a conversation dataset: every (iteration, conversation, repeat, variant) once, a conversation being
// one unit of work for the load model. Streamed like the rows (re-read every pass); variant order rotates
// per conversation so no variant is always first.
import { readConversations } from '../dataset/conversations.js';
import type { ConversationSpec, DatasetSpec } from '../dataset/dataset-spec.js';
import type { PlannedRequest } from '../load/request-plan.js';

export async function* planConversations(
  dataset: DatasetSpec & { conversation: ConversationSpec },
  variantCount: number,
  iterations: number | null,
  repeat = 1,
): AsyncGenerator<PlannedRequest> {
  for (let iteration = 0; iterations === null || iteration < iterations; iteration++) {
    let any = false;
    for await (const c of readConversations(dataset)) {
      any = true;
      const first = c.turns[0]!;
      const turns = c.turns.map((t) => ({ turn: t.turn, row: t.row, values: t.values }));
      // With `repeat` N > 1 each conversation runs N times per variant, interleaved as rows are (plan.ts).
      for (let r = 0; r < repeat; r++) {
        for (let k = 0; k < variantCount; k++) {
          const variant = (c.index + r + k) % variantCount;
          yield { variant, row: first.row, iteration, ...(repeat > 1 && { repeat: r }), values: first.values, conversation: { id: c.id, turns } };
        }
      }
    }
    if (!any) return; // an empty dataset must not cycle forever
  }
}
