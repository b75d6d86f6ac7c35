// Pure, incremental decoder of StackAI stream bodies (JSON Lines or SSE): assembles outputs, counts
// content frames and reaches the verdict. No I/O, no timers, no clock: the caller timestamps.
import { makeError } from './errors.js';
import { readFrame } from './frame-verdict.js';
import type { ClassifiedError } from './types.js';

export interface FrameDecoderOptions {
  /** true: each outputs[key] is an increment; false: each is the whole output so far. */
  delta: boolean;
  /** true: frames come as SSE `data:` events. */
  sse: boolean;
  /** Redacted from every message the decoder builds. */
  secrets?: readonly string[];
  /** A line longer than this is a protocol failure (guards memory against a body with no newlines). */
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
}

const NEWLINE = 0x0a;
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

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
  /** True once a frame has been decoded: from then on, text that is not a frame is a protocol failure. */
  private started = false;
  private atEof = false;
  private flushed = false;
  private terminal: 'completed' | ClassifiedError | null = null;
  private runId: string | null = null;
  // A Map, not an object: an output key named "__proto__" must stay an ordinary key.
  private readonly outputs = new Map<string, string>();
  private frames = 0;
  private contentFrames = 0;
  private lines = 0;

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
      count += this.line(this.takeLine(bytes.subarray(start, nl)));
      start = nl + 1;
      if (this.terminal !== null) return count;
    }
    if (start < bytes.length) {
      // Copy: the caller may reuse its buffer once push() returns.
      this.pieces.push(bytes.slice(start));
      this.pendingBytes += bytes.length - start;
      if (this.pendingBytes > this.maxLineBytes) {
        this.fail('protocol', `a line exceeded ${this.maxLineBytes} bytes without a newline`);
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
    if (this.pendingBytes > 0) count += this.line(this.takeLine(new Uint8Array(0)));
    if (this.terminal === null && this.sseData.length > 0) count += this.dispatchSse();
    return count;
  }

  /** Call at EOF (or when giving up): flushes, then returns the verdict and what was assembled. */
  finish(): DecodeResult {
    this.flush();
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
    };
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
  private line(text: string): number {
    this.lines++;
    if (text.trim() === '') return this.sse ? this.dispatchSse() : 0; // keep-alive; in SSE also the end of an event
    if (text.startsWith(':')) return 0; // SSE comment, used as keep-alive
    if (text.startsWith('data:')) {
      const value = text.startsWith('data: ') ? text.slice(6) : text.slice(5);
      if (!this.sse) return this.frameText(value); // a stray `data: ` prefix without sse=true
      this.sseData.push(value);
      // Dispatch as soon as the data parses, rather than at the blank line: the frame's time is
      // when it arrived, and a server that forgets the blank line between events still works.
      return this.tryEagerSse();
    }
    if (this.sse && !text.trimStart().startsWith('{')) return 0; // other SSE fields (event:, id:, retry:) carry nothing for us
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
    return this.frameValue(value);
  }

  private dispatchSse(): number {
    if (this.sseData.length === 0) return 0;
    const joined = this.sseData.join('\n'); // the SSE spec joins an event's data lines with \n
    this.sseData = [];
    return joined.trim() === '' ? 0 : this.frameText(joined);
  }

  /** Text that should hold one JSON frame (or, before the first frame, may be a text prefix). */
  private frameText(text: string): number {
    const trimmed = text.trim();
    if (!this.started && !trimmed.startsWith('{')) {
      // prefix=true is undocumented: skip text before the first frame, including text that
      // shares the frame's line ("Hello{...}").
      const brace = trimmed.indexOf('{');
      if (brace > 0) {
        try {
          return this.frameValue(JSON.parse(trimmed.slice(brace)));
        } catch {
          // not a frame after all: still prefix text
        }
      }
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
    let content = false;
    for (const [key, value] of reading.outputs) {
      if (this.applyOutput(key, value)) content = true;
    }
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

  private fail(kind: 'protocol' | 'incomplete_stream', message: string): void {
    this.terminal = makeError(kind, message, null, this.secrets);
  }
}
