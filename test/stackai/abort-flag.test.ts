// The abort signal of a request (exchange.ts listens): listeners run once on the first abort, a removed
// listener never runs, and the first reason stands.
import { describe, expect, it } from 'vitest';
import { AbortFlag } from '../../src/stackai/abort-flag.js';

describe('AbortFlag', () => {
  it('runs each listener once, on the first abort, and keeps the first reason', () => {
    const flag = new AbortFlag();
    const calls: string[] = [];
    flag.on('abort', () => calls.push(`a:${String(flag.reason)}`));
    flag.on('abort', () => calls.push('b'));
    flag.on('close', () => calls.push('not abort'));
    expect(flag.aborted).toBe(false);
    flag.abort('first');
    flag.abort('second');
    expect(flag.aborted).toBe(true);
    expect(flag.reason).toBe('first');
    expect(calls).toEqual(['a:first', 'b']);
  });

  it('never runs a listener removed before the abort', () => {
    const flag = new AbortFlag();
    let ran = 0;
    const fn = () => ran++;
    flag.on('abort', fn);
    flag.removeListener('abort', fn);
    flag.abort(new Error('late'));
    expect(ran).toBe(0);
  });
});
