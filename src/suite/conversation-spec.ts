// dataset.conversation / turn / turns → the ConversationSpec, and the user_id input each conversation runs on.
import { compileTemplate } from '../dataset/template.js';
import type { ConversationSpec } from '../dataset/dataset-spec.js';
import type { LoadContext } from './load-context.js';
import type { WalkedSuite } from './suite-schema.js';

type Obj = Record<string, unknown>;

/** The per-conversation user id (unique per conversation, variant, pass and run: see runner/conversation-runner.ts). */
export const CONVERSATION_USER = '{{conversation_user}}';

/**
 * `{}` for a dataset without conversations; else the spec and the inputs with `user_id` defaulted to the
 * conversation's own (a flow remembers a conversation by user_id: one id per row would forget every turn).
 */
export function conversationOf(ds: WalkedSuite['dataset'], ctx: LoadContext): { conversation?: ConversationSpec; inputs?: Obj } {
  const { conversation: conv, turn, turns } = ds;
  if (conv === undefined && turns === undefined) {
    if (turn !== undefined)
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['dataset', 'turn']),
          'dataset.turn needs dataset.conversation: turns are numbered within a conversation',
          "add dataset.conversation: <the column naming each row's conversation>, or remove dataset.turn",
        ),
      );
    return {};
  }
  if (turn !== undefined && turns !== undefined)
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['dataset', 'turn']),
        'dataset.turn and dataset.turns do not go together: a list of turns is in order already',
        'remove dataset.turn',
      ),
    );
  const inputs: Obj = { ...ds.inputs };
  const user = inputs.user_id;
  if (user === undefined) inputs.user_id = CONVERSATION_USER;
  else if (typeof user !== 'string' || !compileTemplate(user).names.includes('conversation_user'))
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['dataset', 'inputs', 'user_id']),
        'in a conversation dataset, inputs.user_id must contain {{conversation_user}}: each conversation runs on a user id of its own',
        'write user_id: "{{conversation_user}}" (or leave user_id out: that is the default)',
      ),
    );
  return {
    conversation: {
      // A bare column name is the template of that column.
      id: conv === undefined ? null : conv.includes('{{') ? conv : `{{${conv}}}`,
      turn: turn ?? null,
      turns: turns ?? null,
    },
    inputs,
  };
}
