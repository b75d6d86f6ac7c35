// Splits the text of one top-level JSON array into its element texts as chunks arrive (strings, escapes, depth tracked).

export interface ArrayElement {
  /** The element's JSON text, untrimmed of inner whitespace; JSON.parse it. */
  text: string;
  /** 1-based line where the element starts. */
  line: number;
}

/** Thrown for text that is not one JSON array; `line` is where the problem is. */
export class ArrayShapeError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type State = 'before' | 'expect-element' | 'in-element' | 'done';

export class JsonArraySplitter {
  private state: State = 'before';
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private elementLine = 0;
  private first = true;

  /** Feeds the next chunk; returns the elements that completed within it. */
  push(chunk: string): ArrayElement[] {
    const out: ArrayElement[] = [];
    let start = -1; // where the current element's text begins in this chunk, -1 if not in one
    if (this.state === 'in-element') start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0xfeff && this.first) {
        this.first = false;
        continue;
      }
      this.first = false;
      if (this.state === 'in-element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === 0x5c /* \ */) this.escaped = true;
          else if (c === 0x22 /* " */) this.inString = false;
          else if (c === 0x0a) this.line++;
          continue;
        }
        if (c === 0x22) this.inString = true;
        else if (c === 0x5b /* [ */ || c === 0x7b /* { */) this.depth++;
        else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
          if (this.depth > 0) this.depth--;
          else if (c === 0x5d) {
            this.finish(chunk.slice(start, i), out);
            this.state = 'done';
            continue;
          }
        } else if (c === 0x2c /* , */ && this.depth === 0) {
          this.finish(chunk.slice(start, i), out);
          this.state = 'expect-element';
          continue;
        }
        if (c === 0x0a) this.line++;
        continue;
      }
      if (c === 0x0a) {
        this.line++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
      const ch = chunk[i] as string;
      switch (this.state) {
        case 'before':
          if (ch !== '[') throw new ArrayShapeError(`expected the file to start with "[" (a JSON array of row objects), found "${ch}"`, this.line);
          this.state = 'expect-element';
          break;
        case 'expect-element':
          if (ch === ']') {
            if (this.elementLine !== 0) throw new ArrayShapeError('trailing comma before "]"', this.line);
            this.state = 'done';
            break;
          }
          if (ch === ',') throw new ArrayShapeError('empty element (two commas in a row)', this.line);
          this.state = 'in-element';
          this.elementLine = this.line;
          this.depth = 0;
          start = i;
          i--; // re-read this character as the element's first
          break;
        default: // 'done'
          throw new ArrayShapeError(`unexpected "${ch}" after the closing "]"`, this.line);
      }
    }
    if (this.state === 'in-element' && start !== -1) this.parts.push(chunk.slice(start));
    return out;
  }

  /** Call at end of input: the array must have been closed. */
  end(): void {
    if (this.state === 'before') throw new ArrayShapeError('the file is empty; expected a JSON array of row objects', this.line);
    if (this.state !== 'done') throw new ArrayShapeError('the array is never closed with "]" (file ends early)', this.line);
  }

  private finish(tail: string, out: ArrayElement[]): void {
    this.parts.push(tail);
    out.push({ text: this.parts.join(''), line: this.elementLine });
    this.parts = [];
  }
}
