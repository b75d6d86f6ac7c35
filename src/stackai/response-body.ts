// Collects response bodies chunk by chunk (see exchange.ts) with size caps: past a cap the reader says
// stop, and the exchange drops the connection rather than read on.

/** Of an error body we keep this much for the message... */
const ERROR_BODY_KEEP_BYTES = 4096;
/** ...and read on up to this much so the socket can go back to the pool; past it, the connection is dropped. */
const ERROR_BODY_DRAIN_BYTES = 64 * 1024;

/**
 * Why a 2xx body cannot be the answer, judged from its head alone, or null. flowbench sends no
 * accept-encoding, so a compressed body was not asked for (and would be read as garbage); an HTML page
 * is a proxy's or a login page, not a run response or a stream.
 */
export function unreadableBody(contentEncoding: string | undefined, contentType: string | undefined): string | null {
  const encoding = contentEncoding?.trim().toLowerCase() ?? '';
  if (encoding !== '' && encoding !== 'identity') return `the body is compressed (content-encoding: ${encoding}), which flowbench did not ask for`;
  const type = contentType?.trim().toLowerCase() ?? '';
  if (type.startsWith('text/html') || type.startsWith('application/xhtml'))
    return `the body is an HTML page (content-type: ${type}), not an answer: a proxy's or a login page?`;
  return null;
}

/** A whole body as UTF-8 text, up to `maxBytes`. */
export class TextBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  /** Keeps `chunk`; false once the body is longer than the cap (text() is then null). */
  push(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return false;
    this.chunks.push(chunk);
    return true;
  }

  /** The text, or null if the body was longer than the cap. */
  text(): string | null {
    if (this.size > this.maxBytes) return null;
    return this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
  }
}

/** The start of an error body, for the message; a little more is drained so the connection survives. */
export class ErrorBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): boolean {
    if (this.size < ERROR_BODY_KEEP_BYTES) this.chunks.push(chunk);
    this.size += chunk.length;
    return this.size <= ERROR_BODY_DRAIN_BYTES;
  }

  text(): string {
    return Buffer.concat(this.chunks).subarray(0, ERROR_BODY_KEEP_BYTES).toString('utf8');
  }
}

/**
 * Collects a response as an ExchangeReader: a non-2xx body into an ErrorBody, a 2xx body into a
 * TextBody capped at `maxBytes`, or, with `textBody` false, not at all (the subclass reads it).
 */
export class BodyCollector {
  status: number | null = null;
  errorBody: ErrorBody | null = null;
  textBody: TextBody | null = null;

  constructor(
    private readonly maxBytes: number,
    private readonly collectText = true,
  ) {}

  onHead(status: number, _raw?: readonly (Buffer | string)[]): void {
    this.status = status;
    if (status < 200 || status >= 300) this.errorBody = new ErrorBody();
    else if (this.collectText) this.textBody = new TextBody(this.maxBytes);
  }

  /** Routes a chunk to the body being collected; false past its cap. */
  onChunk(chunk: Buffer): boolean {
    return (this.errorBody ?? this.textBody!).push(chunk);
  }
}
