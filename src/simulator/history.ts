// A flow's run history for the analytics endpoint, generated from the seed: a Monday morning of traffic with
// bursts, multi-turn conversations, repeat users and some failed runs. Same seed and flow, same history.
import { keyedRandom, type Random } from '../random/seeded.js';
import { correctAnswer } from './answers.js';
import type { FlowDef } from './flows.js';

/** One run as StackAI's analytics API lists it (docs/trace-pull.md says where the shape comes from). */
export interface HistoryRun {
  run_id: string;
  conversation_id: string | null;
  /** ISO 8601 in UTC with microseconds, as pydantic writes a datetime. */
  date: string;
  is_flow_successful: boolean | null;
  state: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  error: string | null;
  /** Seconds. */
  latency: number | null;
  total_tokens: number;
  user_id: string | null;
  /** The run's inputs as a JSON text (the API types them as a string), or null when none were logged. */
  inputs: string | null;
  /** The run's outputs as a JSON text, or null (a failed run). */
  outputs: string | null;
  /** The LLM calls as a JSON text. */
  llms: string | null;
  feedback: string | null;
  run_type: string | null;
}

/** Monday 3 November 2025, 08:00 UTC: in the past on any machine that runs this, so a pinned end date keeps it all. */
export const HISTORY_START_MS = Date.parse('2025-11-03T08:00:00.000Z');
export const HISTORY_HOURS = 4;
export const HISTORY_RUNS = 600;
/** Bursts (start minute from HISTORY_START, length in minutes): a newsletter at 09:00, a stand-up, a retry storm. */
const BURSTS: ReadonlyArray<readonly [number, number]> = [
  [60, 2],
  [90, 1],
  [165, 3],
];
/** Shares of the single runs (conversations start anywhere): about one in four lands in a burst. */
const BURST_SHARE = 0.25;
const CONVERSATION_SHARE = 0.15;
const USERS = 40;
/** Every this-many-th run logged no inputs (an API call with an empty body): a row a pull must skip. */
const NO_INPUTS_EVERY = 150;
const ERRORS = ['LLM provider timeout', 'Rate limit reached for requests', 'Knowledge base unavailable'];

const hex = (random: Random, n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const uuid = (r: Random): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
/** pydantic's datetime: microseconds, Z. */
const isoMicro = (ms: number): string =>
  new Date(Math.floor(ms)).toISOString().replace(/\.(\d{3})Z$/, (_m, f: string) => `.${f}${String(Math.floor((ms % 1) * 1000)).padStart(3, '0')}Z`);

function questionsOf(flow: FlowDef): string[] {
  if (flow.answers.kind === 'csv') return flow.answers.questions;
  return Array.from({ length: 20 }, (_, i) => `Question number ${i + 1}?`);
}

/** `runs` runs over HISTORY_HOURS from HISTORY_START_MS, oldest first. */
export function generateHistory(seed: number, flow: FlowDef, runs: number = HISTORY_RUNS): HistoryRun[] {
  const random = keyedRandom(seed, flow.id, 'history');
  const periodMs = HISTORY_HOURS * 3_600_000;
  const questions = questionsOf(flow);
  const model = flow.versions.get(flow.published)?.model ?? 'gpt-4o-mini';
  const starts: Array<{ at: number; user: string; conversation: string | null; turns: number }> = [];
  let planned = 0;
  while (planned < runs) {
    const user = `user-${String(1 + Math.floor(random() * USERS)).padStart(3, '0')}`;
    if (random() < CONVERSATION_SHARE) {
      const turns = Math.min(runs - planned, 2 + Math.floor(random() * 3));
      starts.push({ at: random() * (periodMs - 600_000), user, conversation: `conv-${hex(random, 12)}`, turns });
      planned += turns;
    } else {
      const burst = random() < BURST_SHARE ? BURSTS[Math.floor(random() * BURSTS.length)]! : null;
      const at = burst === null ? random() * periodMs : (burst[0] + random() * burst[1]) * 60_000;
      starts.push({ at, user, conversation: null, turns: 1 });
      planned++;
    }
  }
  const timed: Array<{ at: number; user: string; conversation: string | null; question: string }> = [];
  for (const s of starts) {
    let at = s.at;
    for (let t = 0; t < s.turns; t++) {
      timed.push({ at, user: s.user, conversation: s.conversation, question: questions[Math.floor(random() * questions.length)]! });
      at += 15_000 + random() * 75_000; // the next turn: the answer read, a follow-up typed
    }
  }
  // Stable: equal times keep their generated order.
  timed.sort((a, b) => a.at - b.at);
  return timed.map((t, i) => runOf(flow, model, t, i, random));
}

function runOf(
  flow: FlowDef,
  model: string,
  t: { at: number; user: string; conversation: string | null; question: string },
  i: number,
  random: Random,
): HistoryRun {
  const draw = random();
  const state = draw < 0.92 ? 'COMPLETED' : draw < 0.98 ? 'FAILED' : 'CANCELLED';
  const ok = state === 'COMPLETED';
  const inputTokens = 150 + Math.floor(random() * 250);
  const outputTokens = ok ? 40 + Math.floor(random() * 160) : 0;
  const noInputs = (i + 1) % NO_INPUTS_EVERY === 0;
  return {
    run_id: uuid(random),
    conversation_id: t.conversation,
    date: isoMicro(HISTORY_START_MS + t.at),
    is_flow_successful: ok,
    state,
    error: state === 'FAILED' ? ERRORS[Math.floor(random() * ERRORS.length)]! : null,
    latency: state === 'CANCELLED' ? null : Math.round((0.6 + random() * 2.4) * 1000) / 1000,
    total_tokens: inputTokens + outputTokens,
    user_id: t.user,
    inputs: noInputs ? null : JSON.stringify({ [flow.inputKey]: t.question }),
    outputs: ok ? JSON.stringify({ [flow.outputKey]: correctAnswer(flow.answers, t.question).text }) : null,
    llms: JSON.stringify([{ model_id: model, input_tokens: inputTokens, output_tokens: outputTokens }]),
    feedback: null,
    run_type: 'api',
  };
}
