// Reads and checks the shard report folders given to `flowbench merge`: one suite, one N, every
// index once. Anything else is refused with the reason (exit 2), before anything is written.
import { join, resolve } from 'node:path';
import { loadSavedRun } from '../compare/saved-run.js';
import type { Report } from '../report/report-model.js';
import { ConfigError } from '../errors/config-error.js';

export interface ShardRun {
  dir: string;
  report: Report;
  index: number;
  count: number;
}

export async function readShardSet(dirs: string[]): Promise<ShardRun[]> {
  if (dirs.length === 0) throw new ConfigError('no shard folders to merge', {}, 'flowbench merge DIR... --out DIR');
  const runs: ShardRun[] = [];
  for (const d of dirs) {
    const dir = resolve(d);
    const { report } = await loadSavedRun(dir);
    if (!report.shard) {
      throw new ConfigError(
        `${dir} is not a shard: its report.json has no shard`,
        { file: join(dir, 'report.json') },
        'merge only folders written with --shard I/N',
      );
    }
    runs.push({ dir, report, index: report.shard.index, count: report.shard.count });
  }
  const first = runs[0]!;
  for (const r of runs) {
    if (r.count !== first.count) {
      throw new ConfigError(
        `mixed shard counts: ${first.dir} is ${first.index}/${first.count} but ${r.dir} is ${r.index}/${r.count}`,
        {},
        'merge the shards of one run (the same N)',
      );
    }
    if (r.report.suiteHash !== first.report.suiteHash) {
      throw new ConfigError(
        `shards of different suites: ${first.dir} (suite "${first.report.suite}", hash ${String(first.report.suiteHash).slice(0, 12)}) and ${r.dir} (suite "${r.report.suite}", hash ${String(r.report.suiteHash).slice(0, 12)})`,
        {},
        'merge the shards of one run: same suite file, same flags',
      );
    }
  }
  const byIndex = new Map<number, ShardRun>();
  for (const r of runs) {
    const seen = byIndex.get(r.index);
    if (seen) throw new ConfigError(`shard ${r.index}/${r.count} given twice: ${seen.dir} and ${r.dir}`, {}, 'pass each shard folder once');
    byIndex.set(r.index, r);
  }
  const missing = Array.from({ length: first.count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) {
    throw new ConfigError(
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${first.count}`).join(', ')}`,
      {},
      'run the missing shards (same suite, --shard I/N) or pass their folders',
    );
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
