import { describe, expect, it } from 'vitest';
import { MIN_SECRET_CHARS, Redactor, redact, secretEncodings, targetSecrets } from '../../src/stackai/redaction.js';

const TOKEN = 'sk "q\\u+/&=é x<\'>';
const json = (s: string) => JSON.stringify(s).slice(1, -1);
const b64 = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return b.subarray(0, b.length - (b.length % 3)).toString('base64');
};

describe('secretEncodings', () => {
  it.each([
    ['raw', TOKEN],
    ['percent-encoded', encodeURIComponent(TOKEN)],
    ['percent-encoded, lower-case hex', encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded', new URLSearchParams({ t: TOKEN }).toString().slice(2)],
    ['as the URL parser leaves a raw query', new URL(`http://h/?${TOKEN}`).search.slice(1)],
    ['JSON string content', json(TOKEN)],
    ['JSON inside JSON', json(json(TOKEN))],
    ['ASCII-only JSON (Python)', 'sk \\"q\\\\u+/&=\\u00e9 x<\'>'],
    ['ASCII-only JSON, upper-case hex', 'sk \\"q\\\\u+/&=\\u00E9 x<\'>'],
    ['ASCII-only JSON with \\/ (PHP)', 'sk \\"q\\\\u+\\/&=\\u00e9 x<\'>'],
    ['HTML, named', 'sk &quot;q\\u+/&amp;=é x&lt;&#39;&gt;'],
    ['HTML, numeric (report.html)', 'sk &#34;q\\u+/&#38;=é x&#60;&#39;&#62;'],
    ['XML (junit.xml)', 'sk &quot;q\\u+/&amp;=é x&lt;&apos;&gt;'],
    ['HTML of the JSON form', 'sk \\&quot;q\\\\u+/&amp;=é x&lt;&#39;&gt;'],
    ['base64', b64(TOKEN)],
    ['base64 of the Authorization header', b64(`Bearer ${TOKEN}`)],
  ])('%s', (_name, form) => {
    expect(secretEncodings(TOKEN)).toContain(form);
    expect(redact(`<<${form}>>`, [TOKEN])).toBe('<<***>>');
  });

  it('the base64 forms match inside a longer base64 text', () => {
    const echoed = Buffer.from(`Bearer ${TOKEN} and more`).toString('base64');
    expect(redact(echoed, [TOKEN])).toMatch(/^\*\*\*/);
  });

  it(`skips secrets shorter than ${MIN_SECRET_CHARS} characters: replacing one letter everywhere would spell it out`, () => {
    expect(secretEncodings('k')).toEqual([]);
    expect(redact('keep the k', ['k', ''])).toBe('keep the k');
    expect(redact('a k3y! here', ['k3y!'])).toBe('a *** here');
  });

  it('never throws on a lone surrogate (no URL form of it exists)', () => {
    expect(redact('x \ud800abcd y', ['\ud800abcd'])).toBe('x *** y');
  });
});

describe('Redactor.deep', () => {
  const r = new Redactor(['tok-123456']);

  it('redacts every string of a JSON value, keys included, and keeps the rest', () => {
    const value = { output: 'echo tok-123456', n: 3, list: ['a', '{"auth":"Bearer tok-123456"}', null], nested: { 'tok-123456': true } };
    expect(r.deep(value)).toEqual({ output: 'echo ***', n: 3, list: ['a', '{"auth":"Bearer ***"}', null], nested: { '***': true } });
  });

  it('returns the very value when nothing is redacted (no copy per record)', () => {
    const value = { a: [1, 2, { b: 'clean' }], c: 'clean' };
    expect(r.deep(value)).toBe(value);
  });

  it('a "__proto__" key stays a data key', () => {
    const value = JSON.parse('{"__proto__": {"x": "tok-123456"}}') as Record<string, unknown>;
    const out = r.deep(value);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: '***' });
  });

  it("a value nested too deeply (a hostile server's metadata) becomes a note, never a stack overflow", () => {
    const n = 100_000;
    const value = JSON.parse(`${'['.repeat(n)}"tok-123456"${']'.repeat(n)}`) as unknown;
    const out = r.deep({ metadata: value });
    expect(JSON.stringify(out)).toContain('"(a value nested too deeply to keep)"');
    expect(JSON.stringify(out)).not.toContain('tok-123456');
  });

  it("with(): a row's secrets join the client's, longest first across both", () => {
    expect(r.with([])).toBe(r);
    expect(r.with(['row-key-77', 'tok-123456 row-key-77']).text('tok-123456 row-key-77; tok-123456; row-key-77')).toBe('***; ***; ***');
  });

  it('replaces the longest form first, whatever the order of the secrets', () => {
    expect(new Redactor(['k3y-9abc', 'Bearer k3y-9abc']).text('auth Bearer k3y-9abc and k3y-9abc')).toBe('auth *** and ***');
  });
});

describe('targetSecrets', () => {
  it("the token, secret-looking header values and the URL's credentials", () => {
    const s = targetSecrets({
      baseUrl: 'https://bob:pw-4567@h/x?api_key=K-123456&v=1',
      token: 'sk-token-1',
      headers: { 'x-api-key': 'hk-abcdef', 'x-team': 'search' },
    });
    expect(s).toEqual(expect.arrayContaining(['sk-token-1', 'hk-abcdef', 'pw-4567', 'K-123456']));
    expect(s).not.toContain('search');
    expect(s).not.toContain('1');
  });
});
