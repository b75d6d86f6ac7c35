// Caps on the load one flowbench process is asked for: requests in flight and requests per second.
// The suite's numbers are the whole fleet's (shard/partition.ts), so a value over a cap is refused at
// load time unless --shard I/N brings each process's share under it. Figures: BENCHMARKS.md "Load caps".
import { ConfigError } from '../errors/config-error.js';
import type { LoadContext } from './load-context.js';
import { pathLabel, type Path } from './positions.js';
import { modelOf } from '../load/registry.js';
import type { LoadSpec } from './types.js';

/**
 * Requests in flight per process (closed-loop concurrency, concurrency stages, the open-loop in-flight
 * cap). Each holds a socket (a file descriptor, an ephemeral port) and its lanes and buffers, all
 * allocated up front by the closed loop: without a cap, `concurrency: 1000000000` allocated until the
 * process died. The memory per request in flight is measured by bench/caps.mjs.
 */
export const MAX_IN_FLIGHT = 10_000;

/** Requests per second per process (rate, rate stages, sweep): above what one process was measured to send. */
export const MAX_RATE = 50_000;

interface Value {
  path: Path;
  /** Set when a command-line flag gave the value: the error names it, not a line. */
  flag?: string;
  value: number;
  kind: 'in-flight' | 'rate';
}

/** Adds one error to ctx.errors for each load value whose per-process share is over its cap. */
export function checkLoadCaps(load: LoadSpec, ctx: LoadContext): void {
  const shards = ctx.overrides.shards ?? 1;
  for (const v of capped(load, ctx)) {
    const cap = v.kind === 'rate' ? MAX_RATE : MAX_IN_FLIGHT;
    const share = v.kind === 'rate' ? v.value / shards : Math.ceil(v.value / shards);
    if (share <= cap) continue;
    const label = v.flag ?? pathLabel(v.path);
    const what = v.kind === 'rate' ? 'requests per second' : 'requests in flight';
    const perShard = shards > 1 ? ` (${fmt(share)} for each of ${shards} shards)` : '';
    const message = `${label} ${fmt(v.value)}${perShard} is over the ${fmt(cap)} ${what} one flowbench process can hold`;
    const n = Math.ceil(v.value / cap);
    const hint = `shard it: run ${fmt(n)} processes, --shard 1/${n} … --shard ${n}/${n}, each taking 1/${n} of the load, then flowbench merge (docs/load-models.md, "Scaling out"); or lower ${label}`;
    ctx.errors.push(v.flag ? new ConfigError(message, {}, hint) : ctx.src.error(ctx.where.value(v.path), message, hint));
  }
}

/** The load's capped values, each where it was written; a value the schema walk refused is not judged again. */
function capped(load: LoadSpec, ctx: LoadContext): Value[] {
  const out: Value[] = [];
  const o = ctx.overrides;
  // The in-flight count as given; when only stages set it (their peak), the stages are judged instead.
  if (o.concurrency !== undefined) out.push({ path: [], flag: '--concurrency', value: load.concurrency, kind: 'in-flight' });
  else if (ctx.where.has(['load', 'concurrency'])) out.push({ path: ['load', 'concurrency'], value: load.concurrency, kind: 'in-flight' });
  // A --rate made the suite an open loop at that rate: the flag is judged, not a line. Otherwise the model's own values.
  if (o.rate !== undefined) out.push({ path: [], flag: '--rate', value: o.rate, kind: 'rate' });
  else out.push(...modelOf(load).limits(load));
  return out.filter((v) => v.flag !== undefined || !ctx.refused.has(v.path));
}

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });
