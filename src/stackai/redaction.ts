// Keeps secrets out of every text flowbench writes or prints: each secret is searched for in every encoding
// a server, a URL or a report format could have put it in, and replaced by ***. Pure, table-tested.
import { headerSecrets } from './header-values.js';
import { urlSecrets } from './url-credentials.js';

export const REDACTED = '***';

/**
 * A secret shorter than this is not searched for: replacing one letter (or three) everywhere would mangle
 * every message and, by the holes it leaves, spell the secret out. A real target's token is refused below
 * 8 characters at load time (suite/checks.ts), so only the embedded simulator's or a short header value's
 * secrets fall under it.
 */
export const MIN_SECRET_CHARS = 4;

const json = (s: string): string => JSON.stringify(s).slice(1, -1);
/** JSON as Python's json.dumps writes it by default: non-ASCII as \uXXXX (and PHP's `\/`). */
const jsonAscii = (s: string): string => json(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const htmlNamed = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** report.html's escapeHtml and XML's &apos;. */
const htmlNumeric = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const xmlNamed = (s: string): string => htmlNamed(s).replace(/&#39;/g, '&apos;');
const form = (s: string): string => new URLSearchParams({ t: s }).toString().slice(2);
/** What the WHATWG URL parser leaves of a value written raw into a query: only these are percent-encoded. */
const urlQuery = (s: string): string => [...s].map((c) => (/[\s"#<>'\u007f-\u{10ffff}\x00-\x1f]/u.test(c) ? encodeURIComponent(c) : c)).join('');
const lowerHex = (s: string): string => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const upperHex = (s: string): string => s.replace(/\\u[0-9a-f]{4}/g, (m) => `\\u${m.slice(2).toUpperCase()}`);

/**
 * Base64 of the whole 3-byte groups of `text`: the characters any base64 of a longer text starting with it
 * begins with (the last partial group depends on what follows, so it is left out).
 */
function base64Prefix(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.subarray(0, bytes.length - (bytes.length % 3)).toString('base64');
}

/**
 * Every form of one secret to search for: raw, URL-encoded (percent, form `+`, and as a URL parser leaves
 * a raw query), JSON string content (once, twice, ASCII-only), HTML/XML-escaped (named and numeric, also of
 * the JSON form), and base64 of it and of `Bearer <it>` (a server echoing the Authorization header
 * encoded). Hex digits in both cases. Empty for a secret too short to redact.
 */
export function secretEncodings(secret: string): string[] {
  if (secret.length < MIN_SECRET_CHARS) return [];
  const forms = new Set<string>([secret]);
  // encodeURIComponent throws on a lone surrogate: such a secret has no URL form to look for.
  const urlForms = (() => {
    try {
      return [encodeURIComponent(secret), form(secret), urlQuery(secret)];
    } catch {
      return [];
    }
  })();
  for (const f of urlForms) forms.add(f).add(lowerHex(f));
  const j = json(secret);
  forms.add(j).add(json(j)).add(jsonAscii(secret)).add(upperHex(jsonAscii(secret))).add(jsonAscii(secret).replace(/\//g, '\\/'));
  for (const f of [secret, j]) forms.add(htmlNamed(f)).add(htmlNumeric(f)).add(xmlNamed(f));
  if (secret.length >= 8) for (const f of [secret, `Bearer ${secret}`]) forms.add(base64Prefix(f));
  return [...forms].filter((f) => f.length >= MIN_SECRET_CHARS);
}

/** Replaces every form of every secret with ***, in strings and (deeply) in JSON values. */
export class Redactor {
  /** Longest first across all secrets, so one that contains another ("Bearer k…" and "k…") goes whole. */
  private readonly forms: string[];
  private readonly shortest: number;

  constructor(secrets: readonly string[]) {
    const all = new Set<string>();
    for (const s of secrets) for (const f of secretEncodings(s)) all.add(f);
    this.forms = [...all].sort((a, b) => b.length - a.length);
    this.shortest = this.forms.at(-1)?.length ?? Infinity;
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  text(text: string): string {
    if (text.length < this.shortest) return text;
    let out = text;
    for (const f of this.forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  }

  /** A copy of a JSON-like value with every string (object keys too) redacted; the value itself when nothing changes. */
  deep<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), this.walk(x)]));
  }
}

/** Redactors by the secrets array they were built for: the client passes the same arrays again and again. */
const cache = new WeakMap<readonly string[], Redactor>();

/** Replaces every form of every secret in `text` with ***. Empty and too-short secrets are skipped. */
export function redact(text: string, secrets: readonly string[]): string {
  let r = cache.get(secrets);
  if (r === undefined) cache.set(secrets, (r = new Redactor(secrets)));
  return r.text(text);
}

/** The secrets of a target: its token, the secret-looking fixed header values, the credentials in its URL. */
export function targetSecrets(target: { baseUrl: string; token: string; headers?: Record<string, string> }): string[] {
  return [target.token, ...headerSecrets(target.headers ?? {}), ...urlSecrets(target.baseUrl)];
}
