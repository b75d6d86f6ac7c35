// How the client reads a response as undici parses it: an invoke's (head, then an error text, the run
// answer's text, or the stream's frames, each timestamped with its chunk's arrival) and a JSON call's
// (metadata, feedback, analytics), which keeps a 429's Retry-After. client.ts makes the calls.
import { nowMs } from '../clock/clock.js';
import { makeError, parseRetryAfter } from './errors.js';
import { rawHeader } from './exchange.js';
import type { FrameDecoder } from './frame-decoder.js';
import { BodyCollector, unreadableBody } from './response-body.js';
import type { RequestTimers } from './timeouts.js';
import type { ClassifiedError, InvokeOutcome } from './types.js';

/** A run response or metadata body larger than this is refused as `protocol`. */
export const MAX_JSON_BODY_BYTES = 32 * 1024 * 1024;
/** After the verdict, how long and how much we read on to reach EOF (so the socket is reused) before giving up on it. */
const AFTER_VERDICT_GRACE_MS = 1000;
const AFTER_VERDICT_DRAIN_BYTES = 64 * 1024;

/** A JSON call's body collector that also keeps the error head's Retry-After (a 429 on a small call is honoured too). */
export class RetryAfterCollector extends BodyCollector {
  private retryAfterMs: number | null = null;

  override onHead(status: number, raw?: readonly (Buffer | string)[]): void {
    super.onHead(status);
    if (this.errorBody !== null && raw !== undefined) this.retryAfterMs = parseRetryAfter(rawHeader(raw, 'retry-after'), Date.now());
  }

  retryAfter(): { retryAfterMs?: number } {
    return this.retryAfterMs === null ? {} : { retryAfterMs: this.retryAfterMs };
  }
}

/**
 * Reads one invoke response as undici parses it: the head (status, first-byte time, retry-after), then
 * the body into an error text, the run answer's text, or the stream's frame decoder, which timestamps
 * every content frame with its chunk's arrival.
 */
export class InvokeReader extends BodyCollector {
  /** When the stream's verdict became known (its end time); null until then. */
  verdictAt: number | null = null;
  /** The arrival time of each progress change the decoder noted (decoder.progressChanges), in order. */
  readonly progressAt: number[] = [];
  /** Set when a 2xx head already says its body cannot be read (compressed, an HTML page): `protocol`. */
  refused: ClassifiedError | null = null;
  private drained = 0;

  constructor(
    private readonly outcome: InvokeOutcome,
    private readonly deadline: RequestTimers,
    private readonly decoder: FrameDecoder | null,
  ) {
    super(MAX_JSON_BODY_BYTES, decoder === null); // a stream's body goes to the decoder instead
  }

  /** The send time is the socket write, not the call: undici may hold a request a turn or more first. */
  onSend(): void {
    this.outcome.sentAt = nowMs();
  }

  override onHead(status: number, raw: readonly (Buffer | string)[]): void {
    this.outcome.firstByteAt = nowMs();
    this.deadline.headers();
    this.outcome.status = status;
    super.onHead(status);
    if (this.errorBody === null) {
      const why = unreadableBody(rawHeader(raw, 'content-encoding'), rawHeader(raw, 'content-type'));
      if (why !== null) this.refused = makeError('protocol', why, status);
      return;
    }
    // The status is the verdict; the body only gives the message: a short wait for it, not the idle timeout.
    this.deadline.shorten(AFTER_VERDICT_GRACE_MS);
    const retryAfter = parseRetryAfter(rawHeader(raw, 'retry-after'), Date.now());
    if (retryAfter !== null) this.outcome.retryAfterMs = retryAfter;
  }

  override onChunk(chunk: Buffer): boolean {
    if (this.refused !== null) return false; // nothing in it is read: drop the connection
    if (this.errorBody === null && this.decoder !== null) return this.streamChunk(chunk, this.decoder);
    if (this.textBody !== null) this.deadline.activity();
    return super.onChunk(chunk);
  }

  /** Times the progress changes the decoder noted since the last call: they arrived with this chunk. */
  stampProgress(arrived: number): void {
    const changes = this.decoder?.progressChanges.length ?? 0;
    while (this.progressAt.length < changes) this.progressAt.push(arrived);
  }

  /** Feeds the decoder; after the verdict, reads on to EOF so the socket is reused, but not far. */
  private streamChunk(chunk: Buffer, decoder: FrameDecoder): boolean {
    if (this.verdictAt !== null) {
      this.drained += chunk.length;
      return this.drained <= AFTER_VERDICT_DRAIN_BYTES; // past it: give up on this socket rather than read on
    }
    const arrived = nowMs(); // before decoding: the arrival time of every frame this chunk completes
    const linesBefore = decoder.linesSeen;
    const completed = decoder.push(chunk);
    if (decoder.linesSeen > linesBefore) this.deadline.activity();
    for (let i = 0; i < completed; i++) this.outcome.contentFrameAt.push(arrived);
    this.stampProgress(arrived);
    if (decoder.done) {
      this.verdictAt = arrived;
      // Read on to EOF so the socket goes back to the pool, but not for long.
      this.deadline.shorten(AFTER_VERDICT_GRACE_MS);
    }
    return true;
  }
}
