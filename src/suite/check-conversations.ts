// Load-time checks of a conversation dataset (docs/conversations.md): the columns it groups and orders by
// exist, and graders that grade a whole conversation have conversations to grade. The rows themselves
// (duplicate or missing turns, a conversation split apart) are checked as they are read: dataset/conversations.ts.
import { readRows } from '../dataset/read-rows.js';
import { compileTemplate } from '../dataset/template.js';
import { TURN_NAMES } from '../dataset/conversations.js';
import type { ConversationSpec, DatasetSpec } from '../dataset/dataset-spec.js';
import { closestKey } from '../text/closest-key.js';
import type { LoadContext } from './load-context.js';
import type { Suite } from './types.js';

/** The names a turn's templates may use: the dataset's columns, a list's turn keys, and the turn's own names. */
export async function conversationColumns(ds: DatasetSpec, spec: ConversationSpec, columns: string[]): Promise<string[]> {
  const out = new Set(columns);
  if (spec.turns !== null) {
    for await (const row of readRows({ ...ds, limit: 1 })) {
      const first = (row.values[spec.turns] as unknown[] | undefined)?.[0];
      if (first !== null && typeof first === 'object' && !Array.isArray(first)) for (const k of Object.keys(first)) out.add(k);
    }
  }
  for (const n of TURN_NAMES) out.add(n);
  return [...out];
}

/** Adds each problem to ctx.errors (`own`: the rows' columns); false when the rows cannot be grouped (so they are not scanned). */
export function checkConversations(s: Suite, own: string[], ctx: LoadContext): boolean {
  const spec = s.dataset.conversation;
  s.graders.forEach((g, i) => {
    if (g.scope === 'conversation' && !spec)
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['graders', i, 'scope']),
          `graders[${i}] (${g.type}): scope: conversation needs a conversation dataset`,
          'set dataset.conversation (and dataset.turn) or dataset.turns, or remove scope',
        ),
      );
  });
  // A replayed trace's rows need no conversation_id: a row without one is a conversation of its own.
  if (!spec || spec.interleaved === true) return true;
  let ok = true;
  const missing = (key: 'conversation' | 'turn' | 'turns', column: string) => {
    ok = false;
    const near = closestKey(column, own);
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['dataset', key]),
        `dataset.${key} names column '${column}', which the dataset does not have`,
        `${near === null ? '' : `did you mean ${near}? `}columns in ${s.dataset.path}: ${own.join(', ') || '(none)'}`,
      ),
    );
  };
  if (spec.id !== null) {
    const unknown = compileTemplate(spec.id).names.find((n) => n !== 'row' && !own.includes(n));
    if (unknown !== undefined) missing('conversation', unknown);
  }
  if (spec.turn !== null && !own.includes(spec.turn)) missing('turn', spec.turn);
  if (spec.turns !== null && !own.includes(spec.turns)) missing('turns', spec.turns);
  return ok;
}
