// Runs one conversation as a unit of work: its turns one after another on one user_id, turn k+1 handed to
// the pool only once turn k's result is back (it is scheduled at that moment). A failed turn ends the
// conversation; the turns after it are recorded as skipped (every planned turn has a line). The last
// turn of a conversation that succeeded throughout is graded with {{transcript}} by conversation graders.
// Any load model can drive it: to the model a conversation is one send that resolves when its last turn ends.
import { nowMs, type ClockAnchor } from '../clock/clock.js';
import type { SendInfo } from '../load/open-loop.js';
import { waitUntil } from '../load/precise-wait.js';
import type { PlannedRequest } from '../load/request-plan.js';
import type { ConversationStats } from '../metrics/conversation-stats.js';
import type { ResultRecord } from '../record/result-record.js';
import type { Suite } from '../suite/types.js';
import type { Phase } from './drive-load.js';
import { unansweredRecord } from './harness-failure.js';

/** What the runner grades a turn's record with: the values its templates see, and whether conversation graders run. */
export interface TurnGrading {
  values: Record<string, unknown>;
  conversationEnd?: boolean;
}

/**
 * Sends one request, resolving false when it was never sent (as every send of the load models does);
 * `shape` sees its record, when it comes back whole, before it is graded and written.
 */
export type TurnSend = (p: PlannedRequest, info: SendInfo, phase: Phase, shape?: (r: ResultRecord) => TurnGrading) => Promise<boolean | void>;

export interface ConversationDeps {
  suite: Suite;
  anchor: ClockAnchor;
  send: TurnSend;
  /** Writes a skipped turn's line (it goes to no statistic but the conversations'). */
  writeSkipped: (r: ResultRecord) => void;
  stats: ConversationStats;
  stopped: () => boolean;
  /** Makes user ids unique per run: a flow's memory of an earlier run must not leak into this one. */
  runTag: string;
}

/** Runs `p.conversation`; false when its first turn was never sent (as a send of the load models says). */
export async function runConversation(deps: ConversationDeps, p: PlannedRequest, info: SendInfo, phase: Phase): Promise<boolean> {
  const conv = p.conversation!;
  const variantName = deps.suite.variants[p.variant]!.name;
  // Warm-up passes count from 0 as the measured ones do: their own mark keeps the flow's memory of them apart.
  const user = `flowbench-${deps.runTag}-${slug(conv.id)}-${slug(variantName)}-${phase.warmup ? 'w' : ''}${p.iteration}${p.repeat === undefined ? '' : `-r${p.repeat}`}`;
  const transcript: string[] = [];
  const measured = !phase.warmup;
  for (let k = 0; k < conv.turns.length; k++) {
    const t = conv.turns[k]!;
    const values = { ...t.values, conversation: conv.id, turn: t.turn, conversation_user: user };
    const planned: PlannedRequest = { variant: p.variant, row: t.row, iteration: p.iteration, ...(p.repeat !== undefined && { repeat: p.repeat }), values };
    const last = k === conv.turns.length - 1;
    // Turn k+1 is scheduled the moment turn k's result is back (its latency never counts time spent waiting
    // for turn k), or at its traced time when that is later (a replay).
    const turnInfo: SendInfo = k === 0 ? info : await turnStart(info.scheduledAt, t.afterMs, deps.stopped);
    let answered: ResultRecord | null = null;
    const shape = (r: ResultRecord): TurnGrading => {
      answered = r;
      r.conversation = conv.id;
      r.turn = t.turn;
      transcript.push(`User: ${inputText(r.inputs)}\nAssistant: ${r.output}`);
      if (measured) deps.stats.sent(p.variant, t.turn, r);
      return last && r.ok ? { values: { ...values, transcript: transcript.join('\n\n') }, conversationEnd: true } : { values };
    };
    const sent = k > 0 && deps.stopped() ? false : (await deps.send(planned, turnInfo, phase, shape)) !== false;
    if (!sent && k === 0) return false;
    // A record completed where it finished (never, with conversations: see run-suite.ts) counts as answered.
    const record = answered as ResultRecord | null;
    const reason = !sent
      ? 'the run stopped before it was sent'
      : record !== null && !record.ok
        ? `turn ${t.turn} failed (${record.error?.kind ?? 'error'})`
        : null;
    if (reason === null) continue;
    // The turn that was not sent is skipped too; a failed turn has its own line already.
    for (const rest of conv.turns.slice(sent ? k + 1 : k)) {
      const values = { ...rest.values, conversation: conv.id, turn: rest.turn, conversation_user: user };
      const skipped: PlannedRequest = {
        variant: p.variant,
        row: rest.row,
        iteration: p.iteration,
        ...(p.repeat !== undefined && { repeat: p.repeat }),
        values,
      };
      deps.writeSkipped(skippedRecord(deps, skipped, conv.id, rest.turn, reason, phase));
      if (measured) deps.stats.skipped(p.variant, rest.turn);
    }
    if (measured) deps.stats.ended(p.variant, false);
    return true;
  }
  if (measured) deps.stats.ended(p.variant, true);
  return true;
}

/** A later turn's send: when the turn before ended, or (replay) at `afterMs` past the first turn's time if later. */
async function turnStart(firstAt: number, afterMs: number | undefined, stopped: () => boolean): Promise<SendInfo> {
  const ended = nowMs();
  const at = afterMs === undefined ? ended : Math.max(ended, firstAt + afterMs);
  if (at > ended) await waitUntil(at, stopped);
  return { scheduledAt: at, lagMs: Math.max(0, nowMs() - at), delayed: false };
}

/** What the user said in a turn: its string inputs but the user id (a flow's question is usually in-0). */
function inputText(inputs: Record<string, unknown>): string {
  return Object.entries(inputs)
    .filter(([k, v]) => k !== 'user_id' && v !== null && v !== undefined && v !== '')
    .map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .join('\n');
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

function skippedRecord(deps: ConversationDeps, p: PlannedRequest, conversation: string, turn: number, reason: string, phase: Phase): ResultRecord {
  const { timestamps, ...r } = unansweredRecord(deps.suite, p, deps.anchor, {
    kind: 'skipped',
    message: `not sent: ${reason}`,
    from: nowMs(),
    attempts: 0,
    graded: false,
  });
  return {
    ...r,
    latencyMs: 0, // never sent: no time is anybody's
    ...(phase.warmup && { warmup: true }),
    ...(!phase.warmup && phase.step !== null && { step: phase.step }),
    conversation,
    turn,
    skipped: true,
    timestamps: { ...timestamps, end: timestamps.sent },
  };
}
