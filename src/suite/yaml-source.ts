// Reads a suite file into a YAML document that remembers where every node came from (1-based line/column).
import { readFile, stat } from 'node:fs/promises';
import { isAlias, LineCounter, parseDocument, type Alias, type Document, type Node } from 'yaml';
import { ConfigError } from './config-error.js';
import { aliasExcessMessage, aliasFindings, firstDuplicateKey, MAX_YAML_BYTES, tooBigMessage } from './yaml-limits.js';

export interface Pos {
  line: number;
  column: number;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly targets: Map<Alias, Node>,
  ) {}

  /** Reads and parses `file` (absolute). A missing file, a YAML syntax error or a file over yaml-limits.ts's limits is a ConfigError. */
  static async open(file: string): Promise<YamlSource> {
    let text: string;
    try {
      // Sized before it is read: a wrong path to a 10 GB file must not be read whole to be refused.
      const bytes = (await stat(file)).size;
      if (bytes > MAX_YAML_BYTES) throw tooBig(file, bytes);
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw openError(file, err);
    }
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

  /** A ConfigError located at `pos` in this file. */
  error(pos: Pos, message: string, hint?: string): ConfigError {
    return new ConfigError(message, { file: this.file, line: pos.line, column: pos.column }, hint);
  }
}

function tooBig(file: string, bytes: number): ConfigError {
  return new ConfigError(tooBigMessage('suite file', bytes), { file }, 'check the path is a suite; rows go in the dataset file (dataset.path), not in the suite');
}

function openError(file: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ConfigError(`suite file not found: ${file}`, { file }, 'check the path (it is relative to the current directory), or copy suites/demo.yaml to start one');
  }
  if (code === 'EISDIR') {
    return new ConfigError(`suite path is a directory, not a file: ${file}`, { file }, 'pass the path of a .yaml suite file');
  }
  return new ConfigError(`cannot read suite file ${file}: ${(err as Error).message}`, { file }, 'check that the file exists and is readable');
}
