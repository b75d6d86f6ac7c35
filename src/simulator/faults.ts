// Fault injection for the simulator: the fault keys of a flows YAML (and `simulate --fault`), how a
// request draws its fault (seeded), and the helpers that make a response go wrong in each way.
import type { ServerResponse } from 'node:http';
import { ConfigError } from '../errors/config-error.js';
import type { YamlPath, FlowsYaml } from './flows-yaml.js';
import { closestKey } from '../text/closest-key.js';
import type { FlowsConfig } from './flows.js';
import type { Random } from '../random/seeded.js';

/** Everything a request can be made to do wrong; 'none' answers normally. */
export type Fault =
  | 'none'
  | 'http_429'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'reset' // connection reset before any response header
  | 'disconnect' // connection reset mid-answer
  | 'stall' // no bytes for stall_s seconds, then the answer goes on
  | 'eof' // the body ends without a COMPLETED frame (run mode: a truncated JSON body)
  | 'error' // a FAILED frame with a non-null error
  | 'pause' // a PAUSED frame with a non-null pause
  | 'garbage' // an unparsable line mid-stream (run mode: a non-JSON body)
  | 'run_id_change' // later frames carry another run_id (stream modes only)
  | 'slow' // the whole body is written one byte at a time
  | 'huge'; // a very long answer in large frames

/** Probabilities of each fault (0 unless configured) and the faults' parameters. */
export interface FaultModel {
  errorRate: number;
  http429Rate: number;
  http500Rate: number;
  disconnectRate: number;
  retryAfterS: number;
  /** Send Retry-After as an HTTP date instead of seconds. */
  retryAfterDate: boolean;
  /** Faults drawn after the four above, in this order, from one uniform draw. */
  extra: Record<ExtraFault, number>;
  stallS: number;
  /** Where a stall happens: before the response headers, or mid-stream after half the content. */
  stallAt: 'headers' | 'content';
  /** Delay between bytes of a slow body (0: one byte per event-loop turn). */
  slowByteMs: number;
  hugeKb: number;
}

export const EXTRA_FAULTS = ['http_502', 'http_503', 'reset', 'stall', 'eof', 'pause', 'garbage', 'run_id_change', 'slow', 'huge'] as const;
export type ExtraFault = (typeof EXTRA_FAULTS)[number];

type KeySpec =
  | { kind: 'rate'; set: (f: FaultModel, v: number) => void }
  | { kind: 'number'; min: number; integer?: boolean; set: (f: FaultModel, v: number) => void }
  | { kind: 'enum'; values: readonly string[]; set: (f: FaultModel, v: string) => void }
  | { kind: 'boolean'; set: (f: FaultModel, v: boolean) => void };

/** Every fault key of a flow version (YAML) or of `simulate --fault KEY=VALUE`. */
export const FAULT_KEYS: Readonly<Record<string, KeySpec>> = {
  error_rate: { kind: 'rate', set: (f, v) => (f.errorRate = v) },
  http_429_rate: { kind: 'rate', set: (f, v) => (f.http429Rate = v) },
  http_500_rate: { kind: 'rate', set: (f, v) => (f.http500Rate = v) },
  disconnect_rate: { kind: 'rate', set: (f, v) => (f.disconnectRate = v) },
  ...Object.fromEntries(EXTRA_FAULTS.map((k) => [`${k}_rate`, { kind: 'rate', set: (f: FaultModel, v: number) => (f.extra[k] = v) }])),
  retry_after_s: { kind: 'number', min: 0, integer: true, set: (f, v) => (f.retryAfterS = v) },
  retry_after_date: { kind: 'boolean', set: (f, v) => (f.retryAfterDate = v) },
  stall_s: { kind: 'number', min: 0, set: (f, v) => (f.stallS = v) },
  stall_at: { kind: 'enum', values: ['headers', 'content'], set: (f, v) => (f.stallAt = v as FaultModel['stallAt']) },
  slow_byte_ms: { kind: 'number', min: 0, set: (f, v) => (f.slowByteMs = v) },
  huge_kb: { kind: 'number', min: 1, integer: true, set: (f, v) => (f.hugeKb = v) },
};

export function noFaults(): FaultModel {
  return {
    errorRate: 0,
    http429Rate: 0,
    http500Rate: 0,
    disconnectRate: 0,
    retryAfterS: 1,
    retryAfterDate: false,
    extra: Object.fromEntries(EXTRA_FAULTS.map((k) => [k, 0])) as Record<ExtraFault, number>,
    stallS: 5,
    stallAt: 'content',
    slowByteMs: 0,
    hugeKb: 1024,
  };
}

/** Reads the fault keys of one merged version model; errors point at `at(key)`. */
export function loadFaults(src: FlowsYaml, merged: Record<string, unknown>, at: (key: string) => YamlPath, path: YamlPath): FaultModel {
  const f = noFaults();
  for (const [key, spec] of Object.entries(FAULT_KEYS)) {
    const raw = merged[key];
    if (raw === undefined) continue;
    if (spec.kind === 'rate') spec.set(f, src.number(at(key), raw, { min: 0, max: 1 }));
    else if (spec.kind === 'number') spec.set(f, src.number(at(key), raw, { min: spec.min, ...(spec.integer && { integer: true }) }));
    else if (spec.kind === 'boolean') {
      if (typeof raw !== 'boolean') src.fail(at(key), `expected true or false, got ${JSON.stringify(raw)}`, 'write true or false');
      spec.set(f, raw);
    } else {
      if (typeof raw !== 'string' || !spec.values.includes(raw))
        src.fail(at(key), `expected one of ${spec.values.join(' | ')}, got ${JSON.stringify(raw)}`, `write one of ${spec.values.join(', ')}`);
      spec.set(f, raw);
    }
  }
  const sum = EXTRA_FAULTS.reduce((s, k) => s + f.extra[k], 0);
  if (sum > 1 + 1e-9)
    src.fail(
      path,
      `the ${EXTRA_FAULTS.map((k) => `${k}_rate`).join(', ')} rates add up to ${Math.round(sum * 1000) / 1000}, more than 1`,
      'lower them so that they add up to at most 1',
    );
  return f;
}

/** Parses `simulate --fault KEY=VALUE` flags into key → value, refusing unknown keys and bad values. */
export function parseFaultFlags(flags: readonly string[]): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  const bad = (msg: string, hint: string): never => {
    throw new ConfigError(`--fault ${msg}`, {}, hint);
  };
  for (const flag of flags) {
    const m = /^([a-z0-9_]+)=(.+)$/.exec(flag.trim());
    if (!m) bad(`"${flag}": expected KEY=VALUE`, 'pass e.g. --fault http_429_rate=0.2');
    const [, key, value] = m!;
    // Own keys only: `constructor` or `__proto__` must be unknown keys, not Object.prototype's members.
    const spec = Object.hasOwn(FAULT_KEYS, key!) ? FAULT_KEYS[key!] : undefined;
    if (!spec) {
      const near = closestKey(key!, Object.keys(FAULT_KEYS));
      bad(`${key}: unknown fault key`, `${near ? `did you mean ${near}? ` : ''}known keys: ${Object.keys(FAULT_KEYS).join(', ')}`);
    }
    if (spec!.kind === 'boolean') {
      if (value !== 'true' && value !== 'false') bad(`${key}=${value}: expected true or false`, `pass ${key}=true`);
      out[key!] = value === 'true';
    } else if (spec!.kind === 'enum') {
      if (!spec!.values.includes(value!)) bad(`${key}=${value}: expected one of ${spec!.values.join(' | ')}`, `pass ${key}=${spec!.values[0]}`);
      out[key!] = value!;
    } else {
      const n = Number(value);
      const max = spec!.kind === 'rate' ? 1 : Infinity;
      const min = spec!.kind === 'rate' ? 0 : spec!.min;
      if (!Number.isFinite(n) || n < min || n > max)
        bad(`${key}=${value}: expected a number from ${min}${max < Infinity ? ` to ${max}` : ''}`, `pass e.g. ${key}=${spec!.kind === 'rate' ? '0.1' : '2'}`);
      out[key!] = n;
    }
  }
  return out;
}

/** Applies `simulate --fault` values to every version and draft of every flow. */
export function applyFaultFlags(config: FlowsConfig, values: Record<string, number | boolean | string>): void {
  const models = [...config.flows.values()].flatMap((flow) => [...flow.versions.values(), flow.draft]);
  for (const model of new Set(models)) {
    // The draft of a flow without one shares its published version's faults object: copy before writing.
    model.faults = { ...model.faults, extra: { ...model.faults.extra } };
    for (const [key, v] of Object.entries(values)) (FAULT_KEYS[key]!.set as (f: FaultModel, v: unknown) => void)(model.faults, v);
  }
}

/** Whether any fault has a non-zero rate (with none, drawFault always gives 'none'). */
export function hasFaults(f: FaultModel): boolean {
  return f.http429Rate > 0 || f.http500Rate > 0 || f.errorRate > 0 || f.disconnectRate > 0 || EXTRA_FAULTS.some((k) => f.extra[k] > 0);
}

/**
 * Draws one request's fault. The four original faults are drawn exactly as before (so seeded
 * answers of existing flows do not change); the others from their own generator, one uniform draw.
 */
export function drawFault(random: Random, extraRandom: Random, f: FaultModel): Fault {
  const u = random();
  if (u < f.http429Rate) return 'http_429';
  if (u < f.http429Rate + f.http500Rate) return 'http_500';
  if (random() < f.errorRate) return 'error';
  if (random() < f.disconnectRate) return 'disconnect';
  const v = extraRandom();
  let edge = 0;
  for (const k of EXTRA_FAULTS) {
    edge += f.extra[k];
    if (v < edge) return k;
  }
  return 'none';
}

/** The Retry-After value: seconds, or an HTTP date that many seconds from now. */
export function retryAfterHeader(f: FaultModel): string {
  return f.retryAfterDate ? new Date(Date.now() + f.retryAfterS * 1000).toUTCString() : String(f.retryAfterS);
}

/** The status and message of an HTTP-error fault, or null for other faults. */
export function httpFault(fault: Fault): { status: number; message: string } | null {
  switch (fault) {
    case 'http_429':
      return { status: 429, message: 'Too Many Requests' };
    case 'http_500':
      return { status: 500, message: 'Internal Server Error' };
    case 'http_502':
      return { status: 502, message: 'Bad Gateway' };
    case 'http_503':
      return { status: 503, message: 'Service Unavailable' };
    default:
      return null;
  }
}

/** The line an unparsable-frame fault sends: looks like a proxy's error page cut into the stream. */
export const GARBAGE_LINE = '<html><body>upstream hiccup {"outputs": </body></html>';
export const PAUSE_REASON = { type: 'human_in_the_loop', node: 'Approval', message: 'Simulated pause: waiting for approval' };

/** Filler that makes an answer `kb` KiB long (words, so frames split on spaces). */
export function hugeText(answer: string, kb: number): string {
  const target = kb * 1024;
  const word = ' lorem ipsum dolor sit amet';
  const parts = [answer];
  let size = Buffer.byteLength(answer);
  while (size < target) {
    parts.push(word);
    size += word.length;
  }
  return parts.join('');
}

/** Splits text into pieces of about `bytes` characters, cut after a space so they rejoin exactly. */
export function bigPieces(text: string, bytes: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let j = Math.min(text.length, i + bytes);
    if (j < text.length) {
      const sp = text.lastIndexOf(' ', j);
      if (sp > i) j = sp;
    }
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

/**
 * Writes `data` one byte per write (pausing `byteMs` between bytes, or one event-loop turn),
 * then calls `done`. Stops early if the response is closed. A multi-byte character is split
 * across writes on purpose: the client must reassemble it.
 */
export function writeSlowly(res: ServerResponse, data: string, byteMs: number, done: () => void): void {
  const bytes = Buffer.from(data, 'utf8');
  let i = 0;
  const step = (): void => {
    if (res.destroyed || res.writableEnded) return;
    if (i >= bytes.length) return done();
    res.write(bytes.subarray(i, i + 1));
    i++;
    if (byteMs > 0) setTimeout(step, byteMs);
    else setImmediate(step);
  };
  step();
}
