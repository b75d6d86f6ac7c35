// `flowbench merge` of a replay: every shard replayed its own rows of one trace at the traced times, so
// the fleet's replay is their sum: requests and per-second counts added (each on its own offset 0, the
// trace's first row), the replayed part from the earliest to the latest row any shard planned.
import type { ReplayBucket, ReplayRun } from '../load/request-plan.js';

export function mergedReplay(runs: readonly (ReplayRun | undefined)[]): ReplayRun | undefined {
  const own = runs.filter((r): r is ReplayRun => r !== undefined);
  const first = own[0];
  if (first === undefined) return undefined;
  const width = Math.max(...own.flatMap((r) => r.perSecond.map((b) => b.widthS)), 1);
  const buckets = new Map<number, ReplayBucket>();
  for (const r of own)
    for (const b of r.perSecond) {
      // Shards of one trace have buckets of one width unless one ran past 1,800 s and another did not.
      const t = Math.floor(b.t / width) * width;
      const m = buckets.get(t) ?? { t, widthS: width, traced: 0, sent: 0 };
      m.traced += b.traced;
      m.sent += b.sent;
      buckets.set(t, m);
    }
  const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  const firsts = own.map((r) => ms(r.replayed.first)).filter((v): v is number => v !== null);
  const lasts = own.map((r) => ms(r.replayed.last)).filter((v): v is number => v !== null);
  const lo = firsts.length > 0 ? Math.min(...firsts) : null;
  const hi = lasts.length > 0 ? Math.max(...lasts) : null;
  const cut = own.find((r) => r.replayed.endedBy !== 'trace');
  return {
    ...first,
    replayed: {
      requests: own.reduce((a, r) => a + r.replayed.requests, 0),
      planned: own.reduce((a, r) => a + r.replayed.planned, 0),
      first: lo === null ? null : new Date(lo).toISOString(),
      last: hi === null ? null : new Date(hi).toISOString(),
      durationAtSpeedMs: lo === null || hi === null ? 0 : (hi - lo) / first.speed,
      complete: own.length === runs.length && own.every((r) => r.replayed.complete),
      endedBy: cut?.replayed.endedBy ?? 'trace',
    },
    perSecond: [...buckets.values()].sort((a, b) => a.t - b.t),
  };
}
