// A simulated flow's memory of conversations (flows YAML `memory:`): the earlier inputs of each user_id,
// bounded (the oldest user forgotten first, a long conversation keeping its latest turns), so an answer can
// depend on an earlier turn ("what did I ask before?") and TTFT can grow with the history, as a real
// flow's does when it sends its memory to the model.
import type { FlowsYaml, YamlPath } from './flows-yaml.js';

export interface MemoryModel {
  /** Added to TTFT per earlier turn of the conversation, ms. */
  ttftMsPerTurn: number;
}

const USERS = 10_000;
const TURNS_PER_USER = 100;

/** `memory: true`, or `memory: { ttft_ms_per_turn: N }`; absent or false: no memory. */
export function loadMemory(src: FlowsYaml, path: YamlPath, raw: unknown): MemoryModel | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { ttftMsPerTurn: 0 };
  const obj = src.object(path, raw);
  src.checkKeys(path, obj, ['ttft_ms_per_turn']);
  return { ttftMsPerTurn: obj.ttft_ms_per_turn === undefined ? 0 : src.number([...path, 'ttft_ms_per_turn'], obj.ttft_ms_per_turn, { min: 0 }) };
}

export class ConversationMemory {
  private readonly users = new Map<string, string[]>();

  /** The user's earlier inputs to the flow, oldest first; then this input is remembered as the latest. */
  recall(flowId: string, userId: string, input: string): string[] {
    const key = `${flowId}\u0000${userId}`;
    const earlier = this.users.get(key) ?? [];
    this.users.delete(key); // re-inserted last: the map's first key is the user heard from longest ago
    this.users.set(key, [...earlier, input].slice(-TURNS_PER_USER));
    if (this.users.size > USERS) this.users.delete(this.users.keys().next().value!);
    return earlier;
  }
}

const ASKED_FIRST = /\bmy first question\b/i;
const ASKED_BEFORE = /\bwhat did i (just |last )?ask\b|\bmy (previous|last) question\b/i;

/** The answer to a question about the conversation itself, or null for any other input. */
export function recallAnswer(input: string, earlier: readonly string[]): string | null {
  const first = ASKED_FIRST.test(input);
  if (!first && !ASKED_BEFORE.test(input)) return null;
  const asked = first ? earlier[0] : earlier.at(-1);
  return asked === undefined ? 'You have not asked me anything before.' : `You asked: "${asked}"`;
}
