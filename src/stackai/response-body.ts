// Reads undici response bodies with size caps, always consuming or destroying them so sockets are reused.
import type { Dispatcher } from 'undici';

export type Body = Dispatcher.ResponseData['body'];

/** Of an error body we keep this much for the message... */
const ERROR_BODY_KEEP_BYTES = 4096;
/** ...and read on up to this much so the socket can go back to the pool; past it, the body is destroyed. */
const ERROR_BODY_DRAIN_BYTES = 64 * 1024;

/** Reads a body as UTF-8 text up to `maxBytes`; returns null if it is longer (the body is then destroyed). */
export async function readText(body: Body, maxBytes: number, onChunk?: () => void): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    onChunk?.();
    size += chunk.length;
    if (size > maxBytes) return null; // leaving the loop destroys the body
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads the start of an error body, draining a little more so the connection survives. */
export async function readErrorText(body: Body): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < ERROR_BODY_KEEP_BYTES) chunks.push(chunk);
    size += chunk.length;
    if (size > ERROR_BODY_DRAIN_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_KEEP_BYTES).toString('utf8');
}
