import { describe, expect, it } from 'vitest';
import { feedbackPath, invokePath, metadataPath, splitBaseUrl } from '../../src/stackai/endpoints.js';
import type { InvokeRequest } from '../../src/stackai/types.js';

const req = (over: Partial<InvokeRequest> = {}): InvokeRequest => ({
  mode: 'stream',
  orgId: 'org',
  flowId: 'flow',
  inputs: {},
  stream: { sse: false, delta: true, prefix: false },
  timeoutMs: 1000,
  ...over,
});

describe('invokePath', () => {
  it.each([
    ['run, nothing optional', req({ mode: 'run' }), '/inference/v0/run/org/flow'],
    ['run with version and verbose', req({ mode: 'run', version: -1, verbose: false }), '/inference/v0/run/org/flow?version=-1&verbose=false'],
    ['stream defaults sent explicitly', req(), '/inference/v0/stream/org/flow?prefix=false&delta=true&sse=false&run_draft=false'],
    [
      'stream with everything',
      req({ version: 7, verbose: true, runDraft: true, stream: { sse: true, delta: false, prefix: true } }),
      '/inference/v0/stream/org/flow?version=7&prefix=true&delta=false&sse=true&verbose=true&run_draft=true',
    ],
    [
      'sso stream carries the token',
      req({ mode: 'sso-stream' }),
      '/inference/v0/sso/stream/org/flow?prefix=false&delta=true&sse=false&run_draft=false&token=t+k%2F%3D',
    ],
    ['path segments are encoded', req({ mode: 'run', orgId: 'a/b', flowId: 'c d?' }), '/inference/v0/run/a%2Fb/c%20d%3F'],
  ])('%s', (_name, r, path) => {
    expect(invokePath('', r, 't k/=')).toBe(path);
  });

  it('puts the base path in front', () => {
    expect(invokePath('/proxy', req({ mode: 'run' }), '')).toBe('/proxy/inference/v0/run/org/flow');
  });
});

describe('other endpoints', () => {
  it('builds metadata and feedback paths', () => {
    expect(metadataPath('', 'o', 'f', 'r 1')).toBe('/inference/v0/run/o/f/metadata?run_id=r+1');
    expect(feedbackPath('', 'o', 'f')).toBe('/inference/v0/feedback/o/f');
  });

  it('splits a base URL into origin and path prefix', () => {
    expect(splitBaseUrl('https://api.stack-ai.com')).toEqual({ origin: 'https://api.stack-ai.com', basePath: '' });
    expect(splitBaseUrl('http://127.0.0.1:8080/p/')).toEqual({ origin: 'http://127.0.0.1:8080', basePath: '/p' });
    expect(() => splitBaseUrl('ftp://x')).toThrow();
  });
});
