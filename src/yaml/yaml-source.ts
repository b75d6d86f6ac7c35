// Reads a YAML file (a suite, a simulator flows file) into a document that remembers where every node
// came from (1-based line/column). The one place a YAML file is read: its size, syntax, duplicate keys
// and alias expansion are checked here (yaml-limits.ts), and each is a ConfigError at its line.
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAlias, isMap, isSeq, LineCounter, parseDocument, type Alias, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors/config-error.js';
import { aliasExcessMessage, aliasFindings, firstDuplicateKey, MAX_ALIAS_COUNT, MAX_YAML_BYTES, tooBigMessage } from './yaml-limits.js';

export interface Pos {
  line: number;
  column: number;
}

/** A path of keys and list indexes from the document's root. */
export type YamlPath = ReadonlyArray<string | number>;

/** What the file is, for its messages: "suite file", "flows file", and how to fix a wrong path or a huge file. */
export interface YamlFileKind {
  what: string;
  pathHint: string;
  tooBigHint: string;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly targets: Map<Alias, Node>,
  ) {}

  /** Reads and parses `file` (absolute). A missing file, a YAML syntax error or a file over yaml-limits.ts's limits is a ConfigError. */
  static async open(file: string, kind: YamlFileKind): Promise<YamlSource> {
    let text: string;
    try {
      // Sized before it is read: a wrong path to a 10 GB file must not be read whole to be refused.
      const bytes = (await stat(file)).size;
      if (bytes > MAX_YAML_BYTES) throw new ConfigError(tooBigMessage(kind.what, bytes), { file }, kind.tooBigHint);
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw openError(file, err, kind);
    }
    return YamlSource.parse(file, text);
  }

  /** open(), synchronously: for the simulator, which reads its flows file while it starts. */
  static openSync(file: string, kind: YamlFileKind): YamlSource {
    let text: string;
    try {
      const bytes = statSync(file).size;
      if (bytes > MAX_YAML_BYTES) throw new ConfigError(tooBigMessage(kind.what, bytes), { file }, kind.tooBigHint);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw openError(file, err, kind);
    }
    return YamlSource.parse(file, text);
  }

  private static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    // uniqueKeys off: the library compares each key with every earlier one (quadratic); firstDuplicateKey is linear.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    const first = doc.errors[0];
    const syntax = (offset: number, message: string): ConfigError => {
      const at = lines.linePos(offset);
      const where = { file, line: Math.max(1, at.line), column: Math.max(1, at.col) };
      return new ConfigError(`YAML syntax error: ${message}`, where, 'fix the YAML at this line (check indentation, quotes, and ": " after keys)');
    };
    // The yaml message's first line is the useful part; the rest is a code excerpt we do not need.
    if (first) throw syntax(first.pos[0], first.message.split('\n')[0] ?? first.message);
    const duplicate = firstDuplicateKey(doc);
    if (duplicate) throw syntax(duplicate.range?.[0] ?? 0, 'Map keys must be unique');
    const aliases = aliasFindings(doc);
    const src = new YamlSource(file, doc, lines, aliases.targets);
    if (aliases.excess) {
      const { message, hint } = aliasExcessMessage(aliases.excess);
      throw src.error(src.pos(aliases.excess.alias), message, hint);
    }
    return src;
  }

  /** The whole document as plain data (aliases expanded; their size was checked in open). */
  data(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      // The library's backstop (aliasFindings passed): still the user's file, so still exit 2.
      if (!(err instanceof ReferenceError)) throw err;
      throw new ConfigError(`invalid YAML: ${err.message}`, { file: this.file }, 'write the values out instead of nesting aliases');
    }
  }

  /** The node an alias names (resolved once, in open); the alias itself when its anchor is missing. */
  deref(node: Node): Node {
    return isAlias(node) ? (this.targets.get(node) ?? node) : node;
  }

  /** Where a node starts; line 1 column 1 when the node carries no range (e.g. an empty document). */
  pos(node: Node | null | undefined): Pos {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { line: Math.max(1, line), column: Math.max(1, col) };
  }

  /** Where the node at `path` is (its key's line when the path ends on a key), or its nearest existing ancestor. */
  posOf(path: YamlPath): Pos {
    let node: Node | null = this.doc.contents;
    let keyNode: Node | undefined;
    for (const part of path) {
      node = node ? this.deref(node) : null;
      let found: Node | null | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(part));
        if (pair) {
          keyNode = pair.key as Node;
          found = (pair.value as Node | null) ?? keyNode;
        }
      } else if (isSeq(node) && typeof part === 'number') {
        found = node.items[part] as Node | undefined;
        keyNode = undefined;
      }
      if (found === undefined || found === null) break;
      node = found;
    }
    return this.pos(keyNode ?? node);
  }

  /** A ConfigError located at `pos` in this file. */
  error(pos: Pos, message: string, hint?: string): ConfigError {
    return new ConfigError(message, { file: this.file, line: pos.line, column: pos.column }, hint);
  }
}

function openError(file: string, err: unknown, kind: YamlFileKind): ConfigError {
  if (err instanceof ConfigError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ConfigError(`${kind.what} not found: ${file}`, { file }, kind.pathHint);
  if (code === 'EISDIR') return new ConfigError(`${kind.what} path is a directory, not a file: ${file}`, { file }, `pass the path of a .yaml ${kind.what}`);
  return new ConfigError(`cannot read ${kind.what} ${file}: ${(err as Error).message}`, { file }, 'check that the file exists and is readable');
}
