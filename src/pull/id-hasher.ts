// --anonymise: user and conversation ids replaced by a keyed hash (HMAC-SHA256), so equal ids stay equal
// within one pull, and without the key (random per pull, discarded when it ends) no id can be guessed back.
import { createHmac, randomBytes } from 'node:crypto';

/** 64 bits of the HMAC: a collision needs ~4 billion distinct ids. */
const HEX_CHARS = 16;

export class IdHasher {
  private readonly key: Buffer;

  /** `keyHex`: the pull's key (kept in its state file so a resumed pull hashes alike); absent: a new random one. */
  constructor(keyHex?: string) {
    this.key = keyHex === undefined ? randomBytes(32) : Buffer.from(keyHex, 'hex');
  }

  get keyHex(): string {
    return this.key.toString('hex');
  }

  user(id: string): string {
    return `u-${this.hash('user', id)}`;
  }

  conversation(id: string): string {
    return `c-${this.hash('conversation', id)}`;
  }

  /** The kind is part of the message: a user id and a conversation id that are the same text hash apart. */
  private hash(kind: string, id: string): string {
    return createHmac('sha256', this.key).update(`${kind}\u0000${id}`).digest('hex').slice(0, HEX_CHARS);
  }
}
