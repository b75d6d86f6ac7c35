// The live endpoint: GET /metrics on 127.0.0.1 answers a Registry in Prometheus' text format. Loopback
// only: the figures name the suite and its variants, and nothing outside the machine needs to scrape a
// load generator (a remote Prometheus reaches it through its own agent or a tunnel).
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from '../errors/config-error.js';

export interface MetricsServer {
  readonly port: number;
  readonly url: string;
  /**
   * Stops serving: once one more scrape has been answered, or after `lingerMs` (0: at once), whichever is
   * first, so that a run shorter than the scrape interval still has its final figures read.
   */
  close(lingerMs: number): Promise<void>;
}

const HOST = '127.0.0.1';

function listenError(port: number, err: NodeJS.ErrnoException): ConfigError {
  const why =
    err.code === 'EADDRINUSE' ? 'is in use' : err.code === 'EACCES' ? 'may not be opened by this user' : `cannot be opened (${err.code ?? err.message})`;
  return new ConfigError(
    `metrics port ${port}: ${HOST}:${port} ${why}`,
    {},
    'choose another port with --metrics-port N (or metrics.port), or 0 to let flowbench pick a free one and print it',
  );
}

export async function startMetricsServer(port: number, registry: Registry): Promise<MetricsServer> {
  let scraped: (() => void) | null = null;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('flowbench serves /metrics only\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text);
        if (req.method === 'GET') scraped?.();
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`flowbench: metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(port, err)));
    server.listen(port, HOST, () => resolve());
  });
  server.unref(); // the run keeps the process alive; the endpoint never does on its own (close() waits on a timer of its own)
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  let closing: Promise<void> | null = null;
  return {
    port: bound,
    url: `http://${HOST}:${bound}/metrics`,
    close(lingerMs) {
      closing ??= new Promise<void>((resolve) => {
        const shut = () => {
          scraped = null;
          clearTimeout(timer);
          server.close(() => resolve());
          server.closeAllConnections(); // Prometheus keeps its connection alive between scrapes
        };
        const timer = setTimeout(shut, Math.max(0, lingerMs));
        if (lingerMs > 0) scraped = shut;
      });
      return closing;
    },
  };
}
