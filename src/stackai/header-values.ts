// Rules for extra header values: which ones undici can send, and which ones look like secrets (redacted
// from every message like the token). Pure: no I/O, table-tested.

/**
 * undici refuses a value with any other character (its `headerCharRegex`, lifted from Node's http):
 * tab, visible ASCII, space, and obs-text 0x80-0xFF. So CR, LF, NUL and anything beyond Latin-1 are out.
 */
const INVALID_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Why undici would refuse `value`, or null. Names the character and where it is, never the value itself:
 * the value may be a secret.
 */
export function badHeaderValue(value: string): string | null {
  const m = INVALID_CHAR.exec(value);
  if (m === null) return null;
  const code = m[0].codePointAt(0)!;
  const what =
    code === 0x0a
      ? 'a line feed (LF)'
      : code === 0x0d
        ? 'a carriage return (CR)'
        : code > 0xff
          ? 'a character beyond Latin-1 (U+00FF)'
          : `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `contains ${what} at character ${m.index + 1}`;
}

/** The first header undici would refuse, as "header NAME: value contains ...", or null. */
export function badHeader(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    const bad = badHeaderValue(value);
    if (bad !== null) return `header ${name}: value ${bad}`;
  }
  return null;
}

/** Names that carry credentials: a value under such a name is a secret whatever it looks like. */
const SECRET_NAME = /auth|cookie|token|key|secret|passw|pwd|credential|session|signature|jwt|csrf|xsrf/i;

/** An HTTP auth scheme before the credential: `Bearer abc`, `Basic dXNlcjpwdw==`. */
const AUTH_SCHEME = /^\s*(?:bearer|basic|token|digest|negotiate|apikey|api-key)\s+(\S.*?)\s*$/i;

/** A word that could be a credential: long, no spaces, only the characters tokens are written in. */
const TOKEN_WORD = /^[A-Za-z0-9+/=_\-.~:]{20,}$/;

/** Shannon entropy, bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * A word looks like a token when it is 20+ token characters with letters and digits and at least 3 bits
 * of entropy per character: API keys, JWTs, hex digests and UUIDs are; `search-quality` and
 * `aaaaaaaaaaaaaaaaaaaa1` are not. Erring towards redaction is cheap: a redacted id only hides a word
 * in an error message.
 */
function tokenWord(word: string): boolean {
  return TOKEN_WORD.test(word) && /[A-Za-z]/.test(word) && /\d/.test(word) && entropy(word) >= 3;
}

/** Whether a header's value must never be shown: a credential-like name, an auth scheme, or a token-like word. */
export function looksSecret(name: string, value: string): boolean {
  if (value === '') return false;
  return SECRET_NAME.test(name) || AUTH_SCHEME.test(value) || value.split(/\s+/).some(tokenWord);
}

/**
 * The strings to redact for one secret value: the whole value, the credential after an auth scheme, and
 * each token-like word, so a server that echoes only part of it (the token without `Bearer `) is caught.
 */
export function secretForms(value: string): string[] {
  const forms = [value];
  const scheme = AUTH_SCHEME.exec(value);
  if (scheme) forms.push(scheme[1]!);
  for (const word of value.split(/\s+/)) if (tokenWord(word)) forms.push(word);
  return forms;
}

/** Every string to redact for these headers (empty when none looks secret). */
export function headerSecrets(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) if (looksSecret(name, value)) out.push(...secretForms(value));
  return out;
}
