import { describe, expect, it } from 'vitest';
import { badHeader, badHeaderValue, headerSecrets, looksSecret, secretForms } from '../../src/stackai/header-values.js';

describe('badHeaderValue: what undici refuses', () => {
  it.each([
    ['plain text', 'search-quality', null],
    ['tab and Latin-1 obs-text', 'a\tb é', null],
    ['empty', '', null],
    ['line feed', 'a\nb', 'contains a line feed (LF) at character 2'],
    ['carriage return', 'ab\r', 'contains a carriage return (CR) at character 3'],
    ['NUL', '\u0000', 'contains control character U+0000 at character 1'],
    ['DEL', 'x\u007f', 'contains control character U+007F at character 2'],
    ['beyond Latin-1', 'naïve €', 'contains a character beyond Latin-1 (U+00FF) at character 7'],
  ])('%s', (_name, value, want) => {
    expect(badHeaderValue(value)).toBe(want);
  });

  it('badHeader names the header, never the value', () => {
    expect(badHeader({ 'x-ok': 'fine', 'x-api-key': 'sk-live\nhidden' })).toBe('header x-api-key: value contains a line feed (LF) at character 8');
    expect(badHeader({ 'x-ok': 'fine' })).toBeNull();
  });
});

describe('looksSecret', () => {
  it.each([
    ['x-api-key', 'abc', true],
    ['x-auth-user', 'alice', true],
    ['cookie', 'a=b', true],
    ['x-session-id', '42', true],
    ['x-csrf-token', 'x', true],
    ['x-client-secret', 'y', true],
    ['x-password', 'p', true],
    ['x-team', 'search-quality', false],
    ['x-team', 'team-42', false],
    ['x-team', '', false], // nothing to hide
    ['x-forward', 'Bearer abc', true],
    ['x-forward', 'basic dXNlcjpwdw==', true],
    ['x-gateway', 'sk-9f3kZqw8XbR2mT7vLp4n', true], // an API key under an innocent name
    ['x-trace', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123', true], // a JWT
    ['x-trace', '3f2a9c1e-7b4d-4e8a-9f0c-2d6b1a5e8c3f', true], // a UUID: redacted, cheap to err this way
    ['x-note', 'aaaaaaaaaaaaaaaaaaaaaaaa1', false], // long, but no entropy
    ['x-note', 'the quick brown fox jumps over 12 lazy dogs', false], // words, not a token
  ])('%s: %s → %s', (name, value, want) => {
    expect(looksSecret(name, value)).toBe(want);
  });
});

describe('secretForms and headerSecrets', () => {
  it('the credential after an auth scheme and each token-like word are redacted too', () => {
    expect(secretForms('Bearer abc.def')).toEqual(['Bearer abc.def', 'abc.def']);
    expect(secretForms('v1 sk-9f3kZqw8XbR2mT7vLp4n')).toEqual(['v1 sk-9f3kZqw8XbR2mT7vLp4n', 'sk-9f3kZqw8XbR2mT7vLp4n']);
  });

  it('only secret-looking headers contribute', () => {
    expect(headerSecrets({ 'x-team': 'search', 'x-api-key': 'k1', 'x-fwd': 'Token t0k' })).toEqual(['k1', 'Token t0k', 't0k']);
  });
});
