// Pure, incremental decoder of StackAI stream bodies (JSON Lines or SSE): assembles outputs, counts
// content frames and reaches the verdict. No I/O, no timers, no clock: the caller timestamps.
import { makeError } from './errors.js';
import { readFrame, type FrameProgress } from './frame-verdict.js';
import type { ClassifiedError } from './types.js';

export interface FrameDecoderOptions {
  /** true: each outputs[key] is an increment; false: each is the whole output so far. */
  delta: boolean;
  /** true: frames come as SSE `data:` events. */
  sse: boolean;
  /** Redacted from every message the decoder builds. */
  secrets?: readonly string[];
  /** A line, or an SSE event's lines together, longer than this is a protocol failure (guards memory against a body that never ends one). */
  maxLineBytes?: number;
}

export interface DecodeResult {
  ok: boolean;
  error: ClassifiedError | null;
  runId: string | null;
  /** Assembled outputs; partial on failure. */
  outputs: Record<string, string>;
  /** Valid frames decoded. */
  frames: number;
  /** Frames that carried non-empty content in any output key. */
  contentFrames: number;
  /** Each change of progress_data, in order (FrameDecoder.progressChanges). */
  progress?: FrameProgress[];
  /** Index in `progress` current at the first content frame; null without content or progress before it. */
  firstContentMark?: number | null;
}

const NEWLINE = 0x0a;
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** SSE events of up to this many data lines are parsed as each line arrives (see line()). */
const EAGER_SSE_LINES = 8;

export class FrameDecoder {
  private readonly delta: boolean;
  private readonly sse: boolean;
  private readonly secrets: readonly string[];
  private readonly maxLineBytes: number;
  // Lines are cut at the newline BYTE and decoded whole: 0x0A never occurs inside a multi-byte
  // UTF-8 sequence, so a character split across chunks is always reassembled before decoding.
  private readonly utf8 = new TextDecoder('utf-8');
  private readonly encoder = new TextEncoder();
  private pieces: Uint8Array[] = [];
  private pendingBytes = 0;
  /** SSE `data:` lines of the event being assembled. */
  private sseData: string[] = [];
  /** Bytes of the lines in sseData. */
  private sseBytes = 0;
  /** True once a frame has been decoded: from then on, text that is not a frame is a protocol failure. */
  private started = false;
  /** The first text skipped before any frame: a body that ends with only such text was never a stream. */
  private skipped: string | null = null;
  private atEof = false;
  private flushed = false;
  private terminal: 'completed' | ClassifiedError | null = null;
  private runId: string | null = null;
  // A Map, not an object: an output key named "__proto__" must stay an ordinary key.
  private readonly outputs = new Map<string, string>();
  private frames = 0;
  private contentFrames = 0;
  private lines = 0;
  /**
   * The transitions of progress_data only (a new current node, a new started or completed count), not
   * every frame: a stream repeats the same progress on each content frame. The caller times each one as
   * it times content frames, by how many a push() added.
   */
  readonly progressChanges: FrameProgress[] = [];
  private firstContentMark: number | null = null;

  constructor(opts: FrameDecoderOptions) {
    this.delta = opts.delta;
    this.sse = opts.sse;
    this.secrets = opts.secrets ?? [];
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Whole lines read so far, keep-alives included: a server that sends them is alive. */
  get linesSeen(): number {
    return this.lines;
  }

  /** True once a frame said COMPLETED or a failure was seen; what follows is ignored. */
  get done(): boolean {
    return this.terminal !== null;
  }

  /** Bytes held for a line or an SSE event not yet complete: at most maxLineBytes plus the last chunk. */
  get bufferedBytes(): number {
    return this.pendingBytes + this.sseBytes;
  }

  /**
   * Feeds one chunk as it came off the socket. Returns how many content frames this chunk
   * completed, so the caller can timestamp them. Never throws.
   */
  push(chunk: Uint8Array | string): number {
    if (this.terminal !== null || this.flushed) return 0;
    const bytes = typeof chunk === 'string' ? this.encoder.encode(chunk) : chunk;
    let count = 0;
    let start = 0;
    for (let nl = bytes.indexOf(NEWLINE, start); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      // The cap holds for a line that arrived whole too: the verdict must not depend on how the body was cut.
      const lineBytes = this.pendingBytes + (nl - start);
      if (lineBytes > this.maxLineBytes) {
        this.fail('protocol', `a line exceeded ${this.maxLineBytes} bytes`);
        return count;
      }
      count += this.line(this.takeLine(bytes.subarray(start, nl)), lineBytes);
      start = nl + 1;
      if (this.terminal !== null) return count;
    }
    if (start < bytes.length) {
      // Copy: the caller may reuse its buffer once push() returns.
      this.pieces.push(bytes.slice(start));
      this.pendingBytes += bytes.length - start;
      if (this.pendingBytes > this.maxLineBytes) {
        this.fail('protocol', `a line exceeded ${this.maxLineBytes} bytes`);
      }
    }
    return count;
  }

  /** Processes what is left at EOF (a last frame without a trailing newline). Returns content frames completed. */
  flush(): number {
    if (this.flushed) return 0;
    this.flushed = true;
    if (this.terminal !== null) return 0;
    this.atEof = true;
    let count = 0;
    if (this.pendingBytes > 0) count += this.line(this.takeLine(new Uint8Array(0)), this.pendingBytes);
    if (this.terminal === null && this.sseData.length > 0) count += this.dispatchSse();
    return count;
  }

  /** Call at EOF (or when giving up): flushes, then returns the verdict and what was assembled. */
  finish(): DecodeResult {
    this.flush();
    // Text but not one frame (an HTML page, a compressed body): the body was never a stream of frames.
    if (this.terminal === null && this.frames === 0 && this.skipped !== null) {
      this.fail('protocol', `the body is not a stream of frames: it starts ${JSON.stringify(this.skipped)}`);
    }
    if (this.terminal === null) {
      this.fail('incomplete_stream', `stream ended before a COMPLETED frame (${this.frames} frames, ${this.contentFrames} with content)`);
    }
    const error = this.terminal === 'completed' ? null : this.terminal;
    return {
      ok: error === null,
      error,
      runId: this.runId,
      outputs: Object.fromEntries(this.outputs),
      frames: this.frames,
      contentFrames: this.contentFrames,
      progress: this.progressChanges,
      firstContentMark: this.firstContentMark,
    };
  }

  /** Keeps a frame's progress when it differs from the last one kept; a part the frame leaves out stays as it was. */
  private noteProgress(p: FrameProgress): void {
    const last = this.progressChanges.at(-1);
    const next: FrameProgress =
      last === undefined ? p : { node: p.node ?? last.node, started: p.started ?? last.started, completed: p.completed ?? last.completed };
    if (last !== undefined && last.node === next.node && last.started === next.started && last.completed === next.completed) return;
    this.progressChanges.push(next);
  }

  private takeLine(tail: Uint8Array): string {
    let bytes = tail;
    if (this.pieces.length > 0) {
      bytes = new Uint8Array(this.pendingBytes + tail.length);
      let at = 0;
      for (const piece of this.pieces) {
        bytes.set(piece, at);
        at += piece.length;
      }
      bytes.set(tail, at);
      this.pieces = [];
      this.pendingBytes = 0;
    }
    const text = this.utf8.decode(bytes);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  /** One line of the body, without its terminator. Returns 1 if it completed a content frame. */
  private line(text: string, bytes: number): number {
    this.lines++;
    if (text.trim() === '') return this.sse ? this.dispatchSse() : 0; // keep-alive; in SSE also the end of an event
    if (text.startsWith(':')) return 0; // SSE comment, used as keep-alive
    if (text.startsWith('data:')) {
      const value = text.startsWith('data: ') ? text.slice(6) : text.slice(5);
      if (!this.sse) return this.frameText(value); // a stray `data: ` prefix without sse=true
      this.sseData.push(value);
      this.sseBytes += bytes;
      // An event is held until it ends: it gets the same cap as a line, or a body of data lines
      // without a blank line would be held whole.
      if (this.sseBytes > this.maxLineBytes) {
        this.fail('protocol', `an SSE event exceeded ${this.maxLineBytes} bytes`);
        return 0;
      }
      // Dispatch as soon as the data parses, rather than at the blank line: the frame's time is
      // when it arrived, and a server that forgets the blank line between events still works.
      // Only the first few lines of an event: re-reading all of it at every line would be quadratic
      // (a hostile `data: {` per line); a longer event is read once, at its blank line.
      return this.sseData.length <= EAGER_SSE_LINES ? this.tryEagerSse() : 0;
    }
    if (this.sse && !text.trimStart().startsWith('{')) {
      // Other SSE fields (event:, id:, retry:) carry nothing for us; other text is noted as not a frame.
      if (!/^[A-Za-z][\w-]*:/.test(text)) this.noteSkipped(text);
      return 0;
    }
    return this.frameText(text);
  }

  private tryEagerSse(): number {
    const joined = this.sseData.join('\n');
    if (joined.trim() === '') return 0;
    let value: unknown;
    try {
      value = JSON.parse(joined);
    } catch {
      return 0; // maybe a multi-line event: wait for more data lines or the blank line
    }
    this.sseData = [];
    this.sseBytes = 0;
    return this.frameValue(value);
  }

  private dispatchSse(): number {
    if (this.sseData.length === 0) return 0;
    const joined = this.sseData.join('\n'); // the SSE spec joins an event's data lines with \n
    this.sseData = [];
    this.sseBytes = 0;
    return joined.trim() === '' ? 0 : this.frameText(joined);
  }

  /** Text that should hold one JSON frame (or, before the first frame, may be a text prefix). */
  private frameText(text: string): number {
    const trimmed = text.trim();
    if (!this.started && !trimmed.startsWith('{')) {
      // prefix=true is undocumented: skip text before the first frame, including text that
      // shares the frame's line ("Hello{...}").
      const brace = trimmed.indexOf('{');
      // An object ends with '}': other lines are not parsed (a thrown parse error costs µs, per line).
      if (brace > 0 && trimmed.endsWith('}')) {
        try {
          return this.frameValue(JSON.parse(trimmed.slice(brace)));
        } catch {
          // not a frame after all: still prefix text
        }
      }
      this.noteSkipped(trimmed);
      return 0;
    }
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      if (this.atEof) this.fail('incomplete_stream', `stream ended inside a frame: ${trimmed}`);
      else this.fail('protocol', `unparsable frame: ${trimmed}`);
      return 0;
    }
    return this.frameValue(value);
  }

  private frameValue(value: unknown): number {
    const reading = readFrame(value, this.secrets);
    if (!reading.valid) {
      this.terminal = reading.error;
      return 0;
    }
    this.started = true;
    if (reading.runId !== null) {
      if (this.runId === null) this.runId = reading.runId;
      else if (this.runId !== reading.runId) {
        this.fail('protocol', `run_id changed from ${this.runId} to ${reading.runId}`);
        return 0;
      }
    }
    this.frames += 1;
    // Progress before content: a frame that starts a node and carries its first text came from that node.
    if (reading.progress !== null) this.noteProgress(reading.progress);
    let content = false;
    for (const [key, value] of reading.outputs) {
      if (this.applyOutput(key, value)) content = true;
    }
    if (content && this.contentFrames === 0 && this.progressChanges.length > 0) this.firstContentMark = this.progressChanges.length - 1;
    if (content) this.contentFrames += 1;
    if (reading.verdict !== 'continue') this.terminal = reading.verdict; // content in the terminal frame still counts
    return content ? 1 : 0;
  }

  /** Records one output value; returns true if it added content. */
  private applyOutput(key: string, value: string): boolean {
    const previous = this.outputs.get(key);
    if (this.delta) {
      // Append as is: never trim, never de-duplicate (a repeated word can be a real increment).
      this.outputs.set(key, (previous ?? '') + value);
      return value !== '';
    }
    // Cumulative: the increment is the new suffix. If the value does not extend the previous one
    // (the flow rewrote its answer) the new value is taken as the whole text. An empty value is
    // read as "nothing new", not as a reset, so a frame that lists a key without text loses nothing.
    if (value === '') {
      if (previous === undefined) this.outputs.set(key, '');
      return false;
    }
    if (value === previous) return false;
    this.outputs.set(key, value);
    return true;
  }

  private noteSkipped(text: string): void {
    if (!this.started && this.skipped === null) this.skipped = text.trim().slice(0, 60);
  }

  private fail(kind: 'protocol' | 'incomplete_stream', message: string): void {
    this.terminal = makeError(kind, message, null, this.secrets);
    // Nothing after a verdict is read: what is held for a line or an event can go now.
    this.pieces = [];
    this.pendingBytes = 0;
    this.sseData = [];
    this.sseBytes = 0;
  }
}
