// Push mode of the live metrics (suite `metrics.push`), for CI runners nothing can scrape: the same Registry,
// sent every interval as a Prometheus remote-write 1.0 request (a protobuf WriteRequest, snappy-compressed)
// to a receiver such as `prometheus --web.enable-remote-write-receiver`. The encoders are the few lines the
// format needs (no protobuf or snappy library): the snappy block is one literal, which every decoder reads.
import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** A length-delimited protobuf field (wire type 2). */
function lengthDelimited(field: number, bytes: Uint8Array | number[], out: number[]): void {
  out.push((field << 3) | 2);
  varint(bytes.length, out);
  for (const b of bytes) out.push(b);
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** prometheus.TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }, labels sorted by name. */
function timeSeries(labels: Labels, value: number, timestampMs: number): number[] {
  const ts: number[] = [];
  for (const name of Object.keys(labels).sort()) {
    const label: number[] = [];
    lengthDelimited(1, utf8(name), label);
    lengthDelimited(2, utf8(String(labels[name])), label);
    lengthDelimited(1, label, ts);
  }
  const sample: number[] = [0x09]; // field 1, 64-bit: the value as a double
  const dbl = Buffer.alloc(8);
  dbl.writeDoubleLE(value);
  sample.push(...dbl);
  sample.push(0x10); // field 2, varint: the timestamp in ms
  varint(timestampMs, sample);
  lengthDelimited(2, sample, ts);
  return ts;
}

/** prometheus.WriteRequest { repeated TimeSeries timeseries = 1; } of every sample the registry holds now. */
export async function writeRequest(registry: Registry, extraLabels: Labels, timestampMs: number): Promise<Buffer> {
  const out: number[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) {
      const name = 'metricName' in v && typeof v.metricName === 'string' ? v.metricName : metric.name;
      const labels: Labels = { ...extraLabels, ...v.labels, __name__: name };
      lengthDelimited(1, timeSeries(labels, v.value, timestampMs), out);
    }
  }
  return Buffer.from(out);
}

/** Snappy's block format as one literal: the uncompressed length, a literal tag with a 4-byte length, the bytes. */
export function snappyLiteral(data: Buffer): Buffer {
  const head: number[] = [];
  varint(data.length, head);
  if (data.length === 0) return Buffer.from(head);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(data.length - 1);
  return Buffer.concat([Buffer.from(head), Buffer.from([63 << 2]), len, data]);
}

export interface MetricsPusher {
  /** Stops; `final`: after one more push (the final figures), resolved when it is answered or failed. */
  stop(final: boolean): Promise<void>;
}

/**
 * Pushes every `intervalMs` until stop(). A failed push is reported once through `warn` (the run goes on:
 * its figures are in report.json anyway); the URL is named without its query (the loader refuses credentials in it).
 */
export function startPusher(registry: Registry, url: string, intervalMs: number, labels: Labels, warn: (message: string) => void): MetricsPusher {
  let warned = false;
  let inFlight: Promise<void> = Promise.resolve();
  const shown = (() => {
    try {
      const u = new URL(url);
      return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      return 'the metrics.push url';
    }
  })();
  const push = async () => {
    try {
      const body = snappyLiteral(await writeRequest(registry, labels, Date.now()));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(Math.max(1000, intervalMs)),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      // The URL is named as `shown`, never as given: an error's own text may quote it.
      const why = (err instanceof Error ? err.message : String(err)).split(url).join(shown);
      if (!warned) warn(`metrics push to ${shown} failed (${why}); the run goes on, later failures are not reported`);
      warned = true;
    }
  };
  const timer = setInterval(() => {
    inFlight = inFlight.then(push);
  }, intervalMs);
  timer.unref();
  return {
    stop(final) {
      clearInterval(timer);
      if (final) inFlight = inFlight.then(push);
      return inFlight;
    },
  };
}
