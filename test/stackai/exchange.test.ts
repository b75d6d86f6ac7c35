import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortFlag } from '../../src/stackai/abort-flag.js';
import { exchange, rawHeader, type ExchangeReader } from '../../src/stackai/exchange.js';

const { Pool: PoolClass } = createRequire(import.meta.url)('undici') as { Pool: typeof Pool };

// A raw TCP server: each test says exactly which bytes go back for a request, and when.
type Script = (write: (s: string) => void, end: () => void) => void;
let script: Script = (write, end) => {
  write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
  end();
};
let server: Server;
let origin: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      const at = buffered.indexOf('\r\n\r\n');
      if (at < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, at))?.[1] ?? 0);
      if (buffered.length < at + 4 + length) return;
      buffered = '';
      script(
        (s) => socket.write(s),
        () => undefined,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const opts = { method: 'POST' as const, path: '/x', headers: { 'content-type': 'application/json' }, body: '{}', headersTimeout: 5000, bodyTimeout: 5000 };

/** Records what a reader sees; stops after `stopAfter` chunks when set. */
function recorder(stopAfter?: number) {
  const seen = { status: 0, retryAfter: undefined as string | undefined, chunks: [] as string[] };
  const reader: ExchangeReader = {
    onHead: (status, raw) => {
      seen.status = status;
      seen.retryAfter = rawHeader(raw, 'retry-after');
    },
    onChunk: (chunk) => {
      seen.chunks.push(chunk.toString());
      return stopAfter === undefined || seen.chunks.length < stopAfter;
    },
  };
  return { seen, reader };
}

describe('exchange', () => {
  it('hands over the final head (skipping 1xx) and every body chunk as it arrives', async () => {
    script = (write) => {
      write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n');
      write('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\ntransfer-encoding: chunked\r\n\r\n');
      write('3\r\nabc\r\n');
      setTimeout(() => write('2\r\nde\r\n0\r\n\r\n'), 30);
    };
    const pool = new PoolClass(origin, { connections: 1 });
    const { seen, reader } = recorder();
    await expect(exchange(pool, opts, new AbortFlag(), reader)).resolves.toBe('complete');
    expect(seen).toEqual({ status: 429, retryAfter: '7', chunks: ['abc', 'de'] });
    await pool.close();
  });

  it('stops when the reader says so, drops that connection, and the next request gets a new one', async () => {
    script = (write) => {
      write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n');
      setTimeout(() => write('6\r\nsecond\r\n0\r\n\r\n'), 30);
    };
    const pool = new PoolClass(origin, { connections: 1 });
    const before = connections;
    const first = recorder(1);
    await expect(exchange(pool, opts, new AbortFlag(), first.reader)).resolves.toBe('stopped');
    expect(first.seen.chunks).toEqual(['first']);
    const second = recorder();
    await expect(exchange(pool, opts, new AbortFlag(), second.reader)).resolves.toBe('complete');
    expect(second.seen.chunks).toEqual(['first', 'second']);
    expect(connections - before).toBe(2);
    await pool.close();
  });

  it('rejects with the signal’s reason when it is aborted mid-body, and at once when aborted before the send', async () => {
    script = (write) => write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nslow\r\n'); // never ends
    const pool = new PoolClass(origin, { connections: 1 });
    const flag = new AbortFlag();
    const { seen, reader } = recorder();
    const pending = exchange(pool, opts, flag, reader);
    setTimeout(() => flag.abort(new Error('total timeout')), 50);
    await expect(pending).rejects.toThrow('total timeout');
    expect(seen.chunks).toEqual(['slow']);
    const early = new AbortFlag();
    early.abort(new Error('already over'));
    await expect(exchange(pool, opts, early, recorder().reader)).rejects.toThrow('already over');
    await pool.close();
  });

  it("rejects with undici's error when the server closes mid-body or nothing listens", async () => {
    script = (write) => {
      write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
      setTimeout(() => server.emit('drop-all'), 0);
    };
    const sockets = new Set<import('node:net').Socket>();
    const track = (s: import('node:net').Socket) => sockets.add(s);
    server.on('connection', track);
    server.once('drop-all', () => sockets.forEach((s) => s.destroy()));
    const pool = new PoolClass(origin, { connections: 1 });
    await expect(exchange(pool, opts, new AbortFlag(), recorder().reader)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    server.off('connection', track);
    await pool.destroy();

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const nowhere = new PoolClass(`http://127.0.0.1:${port}`, { connections: 1 });
    await expect(exchange(nowhere, opts, new AbortFlag(), recorder().reader)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await nowhere.destroy();
  });
});

describe('exchange: onSend', () => {
  it('fires at the socket write: a request waiting for the only connection is sent when it frees', async () => {
    script = (write) => setTimeout(() => write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'), 80);
    const pool = new PoolClass(origin, { connections: 1 });
    const sends: number[] = [];
    const ends: number[] = [];
    const t0 = performance.now();
    const one = (i: number) =>
      exchange(pool, opts, new AbortFlag(), {
        onSend: () => {
          sends[i] = performance.now() - t0;
        },
        onHead: () => undefined,
        onChunk: () => true,
      }).then(() => {
        ends[i] = performance.now() - t0;
      });
    await Promise.all([one(0), one(1)]);
    // Each send is seen when its bytes are written, not when the answer (80 ms after the server got them) arrives.
    expect(ends[0]! - sends[0]!).toBeGreaterThanOrEqual(75);
    expect(sends[1]).toBeGreaterThanOrEqual(ends[0]! - 1); // not before the first answer freed the socket
    expect(ends[1]! - sends[1]!).toBeGreaterThanOrEqual(75);
    await pool.close();
  });

  it('is not called when the request never gets a connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const nowhere = new PoolClass(`http://127.0.0.1:${port}`, { connections: 1 });
    let sent = false;
    await expect(
      exchange(nowhere, opts, new AbortFlag(), {
        onSend: () => {
          sent = true;
        },
        onHead: () => undefined,
        onChunk: () => true,
      }),
    ).rejects.toThrow();
    expect(sent).toBe(false);
    await nowhere.destroy();
  });
});

describe('rawHeader', () => {
  it('finds a header by its lower-case name in either case, and only that one', () => {
    const raw = [Buffer.from('Content-Type'), Buffer.from('text/plain'), Buffer.from('RETRY-AFTER'), Buffer.from('120')];
    expect(rawHeader(raw, 'retry-after')).toBe('120');
    expect(rawHeader(raw, 'content-type')).toBe('text/plain');
    expect(rawHeader(raw, 'retry')).toBeUndefined();
    expect(rawHeader(['x-a', '1'], 'x-a')).toBe('1');
  });
});
