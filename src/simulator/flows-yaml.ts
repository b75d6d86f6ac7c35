// Reads a YAML file for validation: values by path, the line each path sits on, and ConfigErrors that point there.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from '../suite/config-error.js';
import { aliasExcessMessage, aliasFindings, firstDuplicateKey, MAX_ALIAS_COUNT, MAX_YAML_BYTES, tooBigMessage } from '../suite/yaml-limits.js';

export type YamlPath = ReadonlyArray<string | number>;

export class YamlSource {
  readonly file: string;
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(file: string) {
    this.file = file;
    let text: string;
    try {
      const bytes = statSync(file).size;
      if (bytes > MAX_YAML_BYTES) {
        throw new ConfigError(tooBigMessage('flows file', bytes), { file }, 'check the path given to --flows; answers belong in a CSV (answers: { csv: ... })');
      }
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(
        `cannot read flows file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        { file },
        'check the path given to --flows (or target.simulator.flows)',
      );
    }
    // uniqueKeys off: the library's check is quadratic in a mapping's keys; firstDuplicateKey is linear.
    const doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
    this.doc = doc;
    const first = doc.errors[0];
    const duplicate = first ? null : firstDuplicateKey(doc);
    const excess = first || duplicate ? null : aliasFindings(doc).excess;
    const bad = first ? { at: first.pos[0], message: `invalid YAML: ${first.message.split('\n')[0]}`, hint: 'fix the YAML syntax (indentation, quotes, colons)' }
      : duplicate ? { at: duplicate.range?.[0] ?? 0, message: 'invalid YAML: Map keys must be unique', hint: 'remove or rename the repeated key' }
        : excess ? { at: excess.alias.range?.[0] ?? 0, ...aliasExcessMessage(excess) } : null;
    if (bad) {
      const pos = this.lines.linePos(bad.at);
      throw new ConfigError(bad.message, { file, line: pos.line, column: pos.col }, bad.hint);
    }
  }

  /** The whole document as plain data. */
  data(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      // The library's backstop (aliasFindings passed): still the user's file, so still exit 2.
      if (!(err instanceof ReferenceError)) throw err;
      throw new ConfigError(`invalid YAML: ${err.message}`, { file: this.file }, 'write the values out instead of nesting aliases');
    }
  }

  /** The 1-based line of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: YamlPath): number | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const part of path) {
      let found: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(part));
        if (pair) {
          keyNode = pair.key as Node;
          found = pair.value ?? pair.key;
        }
      } else if (isSeq(node) && typeof part === 'number') {
        found = node.items[part];
        keyNode = undefined;
      }
      if (found === undefined) break;
      node = found;
    }
    const range = (keyNode ?? (node as Node | null))?.range;
    // When the walk stops on a key, report the key's line; else the value's.
    const at = keyNode?.range?.[0] ?? range?.[0];
    return at === undefined ? undefined : this.lines.linePos(at).line;
  }

  /** Throws a ConfigError located at `path`. */
  fail(path: YamlPath, message: string, hint: string): never {
    const where = path.length ? `${path.join('.')}: ` : '';
    const line = this.lineOf(path);
    throw new ConfigError(`${where}${message}`, { file: this.file, ...(line !== undefined ? { line } : {}) }, hint);
  }

  /** Fails on the first key of `obj` not in `known`, naming the closest known key. */
  checkKeys(path: YamlPath, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const near = closest(key, known);
      this.fail([...path, key], `unknown key "${key}"`, near ? `did you mean "${near}"? known keys: ${known.join(', ')}` : `known keys: ${known.join(', ')}`);
    }
  }

  object(path: YamlPath, value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, `expected a mapping, got ${describe(value)}`, 'write it as `key: value` lines indented under it');
    }
    return value as Record<string, unknown>;
  }

  string(path: YamlPath, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0) {
      this.fail(path, `expected a non-empty string, got ${describe(value)}`, 'quote the value if it contains special characters');
    }
    return value;
  }

  number(path: YamlPath, value: unknown, opts: { min?: number; max?: number; integer?: boolean; infinite?: boolean } = {}): number {
    const ok =
      typeof value === 'number' &&
      !Number.isNaN(value) &&
      (Number.isFinite(value) || (opts.infinite === true && value > 0)) &&
      (!opts.integer || Number.isInteger(value)) &&
      (opts.min === undefined || value >= opts.min) &&
      (opts.max === undefined || value <= opts.max);
    if (!ok) {
      const range = [opts.min !== undefined ? `>= ${opts.min}` : '', opts.max !== undefined ? `<= ${opts.max}` : ''].filter(Boolean).join(' and ');
      const kind = opts.integer ? 'an integer' : 'a number';
      this.fail(path, `expected ${kind}${range ? ` ${range}` : ''}, got ${describe(value)}`, `write ${kind}${range ? ` ${range}` : ''}${opts.infinite ? ' (or .inf)' : ''}`);
    }
    return value as number;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The known key with the smallest edit distance, if it is close enough to be a likely typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return bestDist <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
