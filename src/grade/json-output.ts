// Finding JSON in a flow's answer (the whole output, a fenced block, or — with extract — a value inside
// prose) and reading a value at a path like `$.items[0].sku` or `items.0.sku`.

export type JsonFound = { ok: true; value: unknown; inside: boolean } | { ok: false; reason: string };

const FENCE = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/**
 * The JSON value of the output. Strict: the whole output (trimmed; a lone ```json fenced block counts).
 * extract: else the first balanced {...} or [...] inside the text that parses.
 */
export function findJson(output: string, extract: boolean): JsonFound {
  const trimmed = output.trim();
  if (trimmed === '') return { ok: false, reason: 'output is empty' };
  const fenced = FENCE.exec(trimmed);
  const whole = tryParse(fenced ? fenced[1]! : trimmed);
  if (whole.ok) return { ok: true, value: whole.value, inside: false };
  const inner = extract || /[{[]/.test(trimmed) ? embedded(trimmed) : null;
  if (extract && inner) return { ok: true, value: inner.value, inside: true };
  if (inner) return { ok: false, reason: `output is not JSON, but holds JSON at character ${inner.at} (set extract: true to use it)` };
  return { ok: false, reason: `output is not JSON: ${whole.message}` };
}

/** Candidate starts tried: bounds the work on a long answer full of brackets that are not JSON. */
const MAX_STARTS = 64;

/** The first balanced object/array in text that parses, scanning string-aware. */
function embedded(text: string): { value: unknown; at: number } | null {
  let tried = 0;
  for (let start = text.search(/[{[]/); start >= 0 && start < text.length && tried++ < MAX_STARTS; ) {
    const end = balancedEnd(text, start);
    if (end > start) {
      const p = tryParse(text.slice(start, end + 1));
      if (p.ok) return { value: p.value, at: start };
    }
    const next = text.slice(start + 1).search(/[{[]/);
    start = next < 0 ? -1 : start + 1 + next;
  }
  return null;
}

function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

export type PathStep = string | number;

/** `$.a.b[0]["c d"]`, `a.b.0`, `$` → steps; null when the syntax is wrong. */
export function parseJsonPath(path: string): PathStep[] | null {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const steps: PathStep[] = [];
  const re = /^(?:\.?([^.[\]'"]+)|\[(\d+)\]|\[\s*(['"])(.*?)\3\s*\])/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m || m[0] === '') return null;
    if (m[1] !== undefined) steps.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[4]!);
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at the path, or undefined when a step is missing. */
export function valueAt(value: unknown, steps: PathStep[]): unknown {
  let cur = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) cur = typeof step === 'number' ? cur[step] : undefined;
    else cur = (cur as Record<string, unknown>)[String(step)];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Order-insensitive deep equality for JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
