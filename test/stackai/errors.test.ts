import { describe, expect, it } from 'vitest';
import { classifyException, classifyHttpStatus, oneLine, parseRetryAfter, redact } from '../../src/stackai/errors.js';

describe('classifyHttpStatus', () => {
  it.each([
    [401, '{"detail":"Invalid API key"}', 'http_401', 'HTTP 401: Invalid API key'],
    [403, '{"detail":"Forbidden"}', 'http_403', 'HTTP 403: Forbidden'],
    [404, '{"detail":"Flow not found"}', 'http_404', 'HTTP 404: Flow not found'],
    [
      422,
      '{"detail":[{"loc":["query","version"],"msg":"value is not a valid integer","type":"type_error.integer"}]}',
      'http_422',
      'HTTP 422: query.version: value is not a valid integer',
    ],
    [
      422,
      '{"detail":[{"loc":["body"],"msg":"must be an object"},{"loc":["query","delta"],"msg":"bad bool"}]}',
      'http_422',
      'HTTP 422: body: must be an object; query.delta: bad bool',
    ],
    [429, '{"detail":"Too many requests"}', 'http_429', 'HTTP 429: Too many requests'],
    [409, 'conflict', 'http_4xx', 'HTTP 409: conflict'],
    [500, 'Internal Server Error', 'http_5xx', 'HTTP 500: Internal Server Error'],
    [502, '<html>\n<body>Bad   gateway</body>\n</html>', 'http_5xx', 'HTTP 502: <html> <body>Bad gateway</body> </html>'],
    [503, '', 'http_5xx', 'HTTP 503: (empty body)'],
    [500, '{"error":"no detail key"}', 'http_5xx', 'HTTP 500: {"error":"no detail key"}'],
  ])('%i %s', (status, body, kind, message) => {
    expect(classifyHttpStatus(status, body)).toEqual({ kind, message, status });
  });

  it('cuts a long body to one line of about 200 characters', () => {
    const e = classifyHttpStatus(500, 'x'.repeat(5000));
    expect(e.message.length).toBeLessThanOrEqual(200);
  });

  it('redacts before cutting, so no part of a secret survives', () => {
    const secret = 'sk-SECRET-abcdefghijklmnop';
    const body = `${'y'.repeat(185)}${secret}`;
    const e = classifyHttpStatus(422, body, [secret]);
    expect(e.message).not.toContain('sk-SEC');
    expect(e.message).toContain('***');
  });
});

describe('classifyException', () => {
  const err = (code: string | undefined, name = 'Error', message = 'boom') => Object.assign(new Error(message), { code, name });
  it.each([
    [err('ECONNREFUSED'), 'request', 'connect'],
    [err('ENOTFOUND'), 'request', 'connect'],
    [err('EAI_AGAIN'), 'request', 'connect'],
    [err('UND_ERR_CONNECT_TIMEOUT', 'ConnectTimeoutError'), 'request', 'connect'],
    [err('ERR_TLS_CERT_ALTNAME_INVALID'), 'request', 'connect'],
    [err('DEPTH_ZERO_SELF_SIGNED_CERT'), 'request', 'connect'],
    [err('UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError'), 'request', 'timeout'],
    [err('UND_ERR_BODY_TIMEOUT', 'BodyTimeoutError'), 'body', 'timeout'],
    [err(undefined, 'AbortError'), 'body', 'timeout'],
    [err('ECONNRESET'), 'body', 'reset'],
    [err('UND_ERR_SOCKET', 'SocketError', 'other side closed'), 'request', 'reset'],
    [err('EPIPE'), 'request', 'reset'],
    [err(undefined), 'body', 'reset'],
    [Object.assign(new AggregateError([err('ECONNREFUSED')], ''), {}), 'request', 'connect'],
    ['a thrown string', 'request', 'reset'],
  ] as const)('%s in %s is %s', (e, phase, kind) => {
    const c = classifyException(e, phase);
    expect(c.kind).toBe(kind);
    expect(c.status).toBeNull();
    expect(c.message).not.toMatch(/\n/);
  });

  it('redacts a token echoed in the error message, raw or URL-encoded', () => {
    const token = 'tok en/+?=CANARY';
    const e = err('ECONNRESET', 'Error', `failed POST /x?token=${encodeURIComponent(token)} and ${token}`);
    const c = classifyException(e, 'request', [token]);
    expect(c.message).not.toContain('CANARY');
    expect(c.message).toContain('token=***');
  });
});

describe('redact', () => {
  it('replaces raw, URL-encoded and form-encoded forms', () => {
    const s = 'a b&c';
    expect(redact(`x ${s} y ${encodeURIComponent(s)} z ${new URLSearchParams({ t: s }).toString().slice(2)}`, [s])).toBe('x *** y *** z ***');
  });
  it('ignores empty secrets', () => {
    expect(redact('hello', [''])).toBe('hello');
  });
  it('replaces a secret that contains another whole, whatever their order', () => {
    expect(redact('auth Bearer k3y-9 and k3y-9', ['k3y-9', 'Bearer k3y-9'])).toBe('auth *** and ***');
  });
});

describe('oneLine', () => {
  it('collapses whitespace and truncates', () => {
    expect(oneLine(' a\n\tb  c ')).toBe('a b c');
    expect(oneLine('abcdef', 4)).toBe('abc…');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    ['Wed, 01 Jan 2025 00:00:10 GMT', 10000],
    ['Tue, 31 Dec 2024 00:00:00 GMT', 0],
    ['soon', null],
    [undefined, null],
  ])('%s -> %s', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
