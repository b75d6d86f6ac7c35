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
/** As report.html's escapeHtml writes it. */
const htmlNumeric = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** XML's &apos; (junit.xml). */
const xmlNamed = (s: string): string => htmlNamed(s).replace(/&#39;/g, '&apos;');
const form = (s: string): string => new URLSearchParams({ t: s }).toString().slice(2);
/** UTF-8 bytes as %XX (encodeURIComponent leaves ' alone, and throws on a lone surrogate). */
const percent = (c: string): string => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** What the WHATWG URL parser leaves of a value written raw into a query: only these are percent-encoded. */
const urlQuery = (s: string): string => [...s].map((c) => (/[\s"#<>'\u007f-\u{10ffff}\x00-\x1f]/u.test(c) ? percent(c) : c)).join('');
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
 * Every form of one secret to search for. First how a server or a URL may write it: raw, URL-encoded
 * (percent, form `+`, and as a URL parser leaves a raw query), ASCII-only JSON (Python, PHP), HTML/XML
 * (named and numeric), base64 of it and of `Bearer <it>` (an echoed Authorization header); hex digits in
 * both cases. Then each of those as JSON string content, once and twice: flowbench's own messages quote a
 * frame's error object as JSON, so whatever a server wrote arrives escaped once more. Empty for a secret
 * too short to redact.
 */
export function secretEncodings(secret: string): string[] {
  if (secret.length < MIN_SECRET_CHARS) return [];
  const written = new Set<string>([secret]);
  // encodeURIComponent throws on a lone surrogate: such a secret has no URL form to look for.
  const urlForms = (() => {
    try {
      return [encodeURIComponent(secret), form(secret), urlQuery(secret)];
    } catch {
      return [];
    }
  })();
  for (const f of urlForms) written.add(f).add(lowerHex(f));
  const ascii = jsonAscii(secret);
  written.add(ascii).add(upperHex(ascii)).add(ascii.replace(/\//g, '\\/'));
  for (const f of [secret, json(secret)]) written.add(htmlNamed(f)).add(htmlNumeric(f)).add(xmlNamed(f));
  if (secret.length >= 8) for (const f of [secret, `Bearer ${secret}`]) written.add(base64Prefix(f));
  const forms = new Set<string>();
  for (const f of written)
    forms
      .add(f)
      .add(json(f))
      .add(json(json(f)));
  return [...forms].filter((f) => f.length >= MIN_SECRET_CHARS);
}

/** Deeper than this, JSON.stringify overflows the stack before the walk would (at ~5,000 levels). */
const MAX_DEPTH = 1000;
const TOO_DEEP = '(a value nested too deeply to keep)';

/** Replaces every form of every secret with ***, in strings and (deeply) in JSON values. */
export class Redactor {
  /** Longest first across all secrets, so one that contains another ("Bearer k…" and "k…") goes whole. */
  private readonly forms: string[];
  private readonly shortest: number;

  /** `inherited`: forms already encoded (another redactor's), kept as they are. */
  constructor(secrets: readonly string[], inherited: readonly string[] = []) {
    const all = new Set<string>(inherited);
    for (const s of secrets) for (const f of secretEncodings(s)) all.add(f);
    this.forms = [...all].sort((a, b) => b.length - a.length);
    this.shortest = this.forms.at(-1)?.length ?? Infinity;
  }

  /** This redactor and more secrets (a row's, per request): only the new ones are encoded. */
  with(more: readonly string[]): Redactor {
    return more.length === 0 ? this : new Redactor(more, this.forms);
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

  /** The JSON-like value with every string (object keys too) redacted: a copy where something changed, else the value itself. */
  deep<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  /**
   * Copies only what changes: a record with nothing to redact (the usual case) costs no allocation. A value
   * nested deeper than MAX_DEPTH (JSON.parse reads any depth; a hostile server's metadata may be 100,000
   * arrays deep) becomes a note: it could not be searched without overflowing the stack, nor written.
   */
  private walk(v: unknown, depth = 0): unknown {
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    if (Array.isArray(v)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        const y = this.walk(x, depth + 1);
        if (out === null && y !== x) out = v.slice(0, i);
        out?.push(y);
      }
      return out ?? v;
    }
    const entries = Object.entries(v);
    let changed = false;
    const next = entries.map(([k, x]) => {
      const k2 = this.text(k);
      const y = this.walk(x, depth + 1);
      changed ||= k2 !== k || y !== x;
      return [k2, y] as const;
    });
    // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
    return changed ? Object.fromEntries(next) : v;
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
