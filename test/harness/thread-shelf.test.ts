// The shelf of kept threads: a few per key, the rest ended; one ended while kept, or left unused too
// long, is never handed out.
import { describe, expect, it } from 'vitest';
import { ThreadShelf } from '../../src/harness/thread-shelf.js';

describe('ThreadShelf', () => {
  it('keeps up to its limit per key, ends the rest, and hands out only what it kept under that key', () => {
    const ended: string[] = [];
    const shelf = new ThreadShelf<string>(2, (t) => ended.push(t));
    shelf.keep('a1', '1');
    shelf.keep('a2', '1');
    shelf.keep('a3', '1');
    shelf.keep('b1', '2');
    expect(ended).toEqual(['a3']);
    expect(shelf.take('3')).toBeUndefined();
    expect(shelf.take('2')).toBe('b1');
    expect(shelf.take('2')).toBeUndefined();
    shelf.forget('a2');
    expect(shelf.take('1')).toBe('a1');
    expect(shelf.take('1')).toBeUndefined();
    expect(ended).toEqual(['a3']);
  });

  it('ends a thread left unused for its idle time, and never one taken before', async () => {
    const ended: string[] = [];
    const shelf = new ThreadShelf<string>(2, (t) => ended.push(t), 20);
    shelf.keep('left');
    shelf.keep('taken');
    expect(shelf.take()).toBe('taken');
    await new Promise((r) => setTimeout(r, 200));
    expect(ended).toEqual(['left']);
    expect(shelf.take()).toBeUndefined();
  });
});
