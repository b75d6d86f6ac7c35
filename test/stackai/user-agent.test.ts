// Every request says who sent it: User-Agent: flowbench/<version>, on flow calls and on JSON calls alike.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StackAIClient } from '../../src/stackai/client.js';

describe('User-Agent', () => {
  it('is flowbench/<package version> on run and metadata calls', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(req.url!.includes('/metadata') ? '{"latency": 1}' : '{"outputs":{"out-0":"hi"},"run_id":"r1","state":"COMPLETED","error":null,"pause":null}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new StackAIClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't', connections: 1 });
    try {
      const run = await client.invoke({
        mode: 'run',
        orgId: 'o',
        flowId: 'f',
        inputs: { 'in-0': 'x' },
        stream: { sse: false, delta: true, prefix: false },
        timeoutMs: 5000,
      });
      expect(run.ok).toBe(true);
      expect((await client.getMetadata('o', 'f', 'r1', 5000)).ok).toBe(true);
    } finally {
      await client.close();
      server.close();
    }
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(seen.map((h) => h['user-agent'])).toEqual([`flowbench/${version}`, `flowbench/${version}`]);
  });
});
