// Skips an unasked `100 Continue`. RFC 9110 §15.2: a client must parse a 1xx it did not expect and may
// ignore it. undici 7 skips the other 1xx heads itself, but on a 100 it destroys the connection ("bad
// response", nodejs/undici#197, wontfix), so a proxy that sends one fails every attempt as `reset`. The
// 100 heads are taken out of the bytes before undici's parser sees them; nothing else is touched.
import type { Socket } from 'node:net';

/** "HTTP/1.1 100" and the character after it; the version digit may be 0 or 1. */
const HEAD = 'HTTP/1.? 100';
/** A 100 head longer than this is not one we skip: undici gets the bytes (and refuses them as before). */
const MAX_HEAD_BYTES = 16 * 1024;
const END = Buffer.from('\r\n\r\n');

/** Whether `buf` starts with a 100 status line: yes, no, or not enough bytes to tell. */
function continueHead(buf: Buffer): 'yes' | 'no' | 'maybe' {
  const n = Math.min(buf.length, HEAD.length + 1);
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (i === HEAD.length) return c === 0x20 || c === 0x0d ? 'yes' : 'no';
    const want = HEAD.charCodeAt(i);
    if (want === 0x3f ? c !== 0x30 && c !== 0x31 : c !== want) return 'no';
  }
  return 'maybe';
}

/**
 * The byte filter, pure: `take` each chunk off the socket, `wrote` before each write. Only the start of
 * a response (what follows a write) is looked at, so a body can never be cut: with one request at a time
 * on a connection, a response begins after its request was written.
 */
export class ContinueStripper {
  private atStart = true;
  private held: Buffer | null = null;

  /** A request (or part of one) was written: the next bytes back may start a response. */
  wrote(): void {
    this.atStart = true;
  }

  /** The bytes undici should see of `chunk` (possibly none yet, while a head is being told apart). */
  take(chunk: Buffer): Buffer {
    if (!this.atStart) return chunk;
    let buf = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
    this.held = null;
    while (buf.length > 0) {
      const head = continueHead(buf);
      if (head === 'no') break;
      const end = head === 'yes' ? buf.indexOf(END) : -1;
      if (end === -1) {
        if (buf.length > MAX_HEAD_BYTES) break;
        this.held = Buffer.from(buf); // a copy: the socket's buffer is not ours to keep
        return Buffer.alloc(0);
      }
      buf = buf.subarray(end + END.length); // dropped; another 1xx or the final head may follow
    }
    this.atStart = buf.length === 0;
    return buf;
  }

  /** At EOF: bytes held back while undecided, for undici to judge. */
  end(): Buffer | null {
    const rest = this.held;
    this.held = null;
    return rest;
  }
}

/** Puts a ContinueStripper between `socket` and its reader (undici). */
export function skipUnaskedContinue(socket: Socket): void {
  const strip = new ContinueStripper();
  const push = socket.push.bind(socket);
  const write = socket.write as (...args: unknown[]) => boolean;
  socket.write = function (this: Socket, ...args: unknown[]): boolean {
    strip.wrote();
    return write.apply(this, args);
  } as Socket['write'];
  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null) {
      const rest = strip.end();
      if (rest !== null) push(rest);
      return push(null);
    }
    if (!Buffer.isBuffer(chunk)) return push(chunk, encoding);
    const pass = strip.take(chunk);
    return pass.length > 0 ? push(pass) : true;
  };
}
