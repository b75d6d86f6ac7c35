// Groups a dataset's rows into multi-turn conversations: rows sharing a conversation id (consecutive, in
// `turn` order or file order), or one JSONL / JSON row holding a list of turns. Streamed: one conversation
// in memory at a time (and the ids seen, to refuse a conversation split apart). Mistakes are ConfigErrors
// naming the dataset file and line.
import { ConfigError } from '../errors/config-error.js';
import type { ConversationSpec, DatasetSpec } from './dataset-spec.js';
import { readRows, type DatasetRow } from './read-rows.js';
import { compileTemplate, stringify } from './template.js';

export interface ConversationTurn {
  /** 1-based position in the conversation. */
  turn: number;
  /** The turn's row index: its dataset row (one row per turn), or its place among all turns (a list of turns per row). */
  row: number;
  /** 1-based line of the dataset where the turn is. */
  line: number;
  values: Record<string, unknown>;
}

export interface DatasetConversation {
  id: string;
  /** 0-based position among the dataset's conversations. */
  index: number;
  line: number;
  turns: ConversationTurn[];
}

/** Names a conversation's turns add to their values (templates of inputs and graders may use them). */
export const TURN_NAMES: readonly string[] = ['conversation', 'turn', 'conversation_user'];
/** Only conversation-scoped graders see it: every turn's input and answer. */
export const TRANSCRIPT_NAME = 'transcript';

type ConversationDataset = Pick<DatasetSpec, 'path' | 'format' | 'limit'> & { conversation: ConversationSpec };

/** Yields the dataset's conversations in file order. */
export async function* readConversations(spec: ConversationDataset): AsyncGenerator<DatasetConversation> {
  const c = spec.conversation;
  const id = c.id === null ? null : compileTemplate(c.id);
  const idOf = (row: DatasetRow): string => (id === null ? String(row.index) : stringify(id.render({ row: row.index, values: row.values })));
  const seen = new Set<string>();
  let index = 0;
  const fresh = (conv: string, row: DatasetRow): void => {
    if (conv.trim() === '')
      throw new ConfigError(
        `the row on line ${row.line} has no conversation id (dataset.conversation is empty for it)`,
        { file: spec.path, line: row.line },
        'give every row a conversation id',
      );
    if (seen.has(conv))
      throw new ConfigError(
        `conversation '${conv}' continues on line ${row.line} after rows of other conversations`,
        { file: spec.path, line: row.line },
        c.turns === null ? "keep each conversation's rows together (sort the dataset by conversation)" : 'give every row its own conversation id',
      );
    seen.add(conv);
  };

  if (c.turns !== null) {
    let flat = 0;
    for await (const row of readRows(spec)) {
      const conv = idOf(row);
      fresh(conv, row);
      const turns = turnList(row, c.turns, spec.path).map((values, k) => ({ turn: k + 1, row: flat++, line: row.line, values }));
      yield { id: conv, index: index++, line: row.line, turns };
    }
    return;
  }

  if (c.interleaved === true) {
    // Held whole: a trace's conversation can end anywhere in the file.
    const open = new Map<string, { line: number; rows: DatasetRow[] }>();
    for await (const row of readRows(spec)) {
      // A traced request outside any conversation is a conversation of one turn.
      const conv = idOf(row).trim() === '' ? `row-${row.index}` : idOf(row);
      const held = open.get(conv);
      if (held !== undefined) held.rows.push(row);
      else {
        fresh(conv, row);
        open.set(conv, { line: row.line, rows: [row] });
      }
    }
    for (const [conv, held] of open) yield { id: conv, index: index++, line: held.line, turns: ordered(conv, held.rows, c.turn, spec.path) };
    return;
  }

  let current: { id: string; line: number; rows: DatasetRow[] } | null = null;
  for await (const row of readRows(spec)) {
    const conv = idOf(row);
    if (current !== null && current.id === conv) {
      current.rows.push(row);
      continue;
    }
    if (current !== null) yield { id: current.id, index: index++, line: current.line, turns: ordered(current.id, current.rows, c.turn, spec.path) };
    fresh(conv, row);
    current = { id: conv, line: row.line, rows: [row] };
  }
  if (current !== null) yield { id: current.id, index: index++, line: current.line, turns: ordered(current.id, current.rows, c.turn, spec.path) };
}

/** A row's list of turns: each an object, merged over the row's other columns. */
function turnList(row: DatasetRow, key: string, path: string): Record<string, unknown>[] {
  const list = row.values[key];
  const fix = `make ${key} a list of objects, e.g. "${key}": [{"question": "..."}, {"question": "..."}]`;
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError(`the row on line ${row.line} has no list of turns in '${key}'`, { file: path, line: row.line }, fix);
  const { [key]: _turns, ...shared } = row.values;
  return list.map((t, k) => {
    if (t === null || typeof t !== 'object' || Array.isArray(t))
      throw new ConfigError(`turn ${k + 1} of the row on line ${row.line} is not an object`, { file: path, line: row.line }, fix);
    return { ...shared, ...(t as Record<string, unknown>) };
  });
}

/** One conversation's rows as turns 1..n: by the turn column (each number once, none missing) or in file order. */
function ordered(conv: string, rows: DatasetRow[], turnKey: string | null, path: string): ConversationTurn[] {
  if (turnKey === null) return rows.map((r, k) => ({ turn: k + 1, row: r.index, line: r.line, values: r.values }));
  const turns = rows.map((r) => ({ turn: turnNumber(r, turnKey, path), row: r.index, line: r.line, values: r.values }));
  turns.sort((a, b) => a.turn - b.turn);
  for (let k = 0; k < turns.length; k++) {
    const t = turns[k]!;
    const prev = turns[k - 1];
    if (prev !== undefined && prev.turn === t.turn)
      throw new ConfigError(
        `conversation '${conv}' has turn ${t.turn} twice (lines ${Math.min(prev.line, t.line)} and ${Math.max(prev.line, t.line)})`,
        { file: path, line: Math.max(prev.line, t.line) },
        `number the turns of a conversation 1, 2, 3, ... each once (column ${turnKey})`,
      );
    if (t.turn !== k + 1)
      throw new ConfigError(
        `conversation '${conv}' lacks turn ${k + 1} (it has turns ${turns.map((x) => x.turn).join(', ')})`,
        { file: path, line: rows[0]!.line },
        `number the turns of a conversation 1, 2, 3, ... with none missing (column ${turnKey})`,
      );
  }
  return turns;
}

function turnNumber(row: DatasetRow, key: string, path: string): number {
  const raw = row.values[key];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(
      `the row on line ${row.line} has turn ${JSON.stringify(raw ?? '')}, not a whole number >= 1`,
      { file: path, line: row.line },
      `put the turn number (1, 2, 3, ...) in column ${key}`,
    );
  return n;
}
