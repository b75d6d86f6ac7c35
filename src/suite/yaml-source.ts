// Reads a suite file into a YAML document that remembers where every node came from (1-based line/column).
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from './config-error.js';

export interface Pos {
  line: number;
  column: number;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Reads and parses `file` (absolute). A missing file or a YAML syntax error is a ConfigError. */
  static async open(file: string): Promise<YamlSource> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw openError(file, err);
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      const at = lines.linePos(first.pos[0]);
      const where = { file, line: Math.max(1, at.line), column: Math.max(1, at.col) };
      // The yaml message's first line is the useful part; the rest is a code excerpt we do not need.
      const message = first.message.split('\n')[0] ?? first.message;
      throw new ConfigError(`YAML syntax error: ${message}`, where, 'fix the YAML at this line (check indentation, quotes, and ": " after keys)');
    }
    return new YamlSource(file, doc, lines);
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
