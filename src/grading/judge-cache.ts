// The judge cache on disk: a judge's answer kept under the hash of what decided it (the judge's
// identity, flow, version, output key and rendered inputs), so that grading the same answer again
// (a regrade, or a run whose rows repeat) makes no call. Several grading threads, and several
// processes, share one folder: an entry is written under a temporary name and renamed into place, a
// damaged or unreadable entry is a miss, and the folder is held under its size cap by removing the
// least recently used entries. Only answers of calls that succeeded are kept: an error is never cached.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JudgeCall } from '../record/grade.js';
import type { JudgeCaller, JudgeRequest } from '../grade/types.js';
import type { JudgeCacheSettings } from './judge-cache-settings.js';

const ENTRY_VERSION = 1;
/** A thread prunes again once it has written this share of the cap since it last did. */
const PRUNE_EVERY_SHARE = 0.1;

interface Entry {
  v: number;
  key: string;
  savedAt: string;
  call: Omit<JudgeCall, 'cached'>;
}

/** The entry's name: sha256 of the identity and the request. The token is in neither. */
export function judgeCacheKey(identity: string, req: JudgeRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([ENTRY_VERSION, identity, req.flowId, req.version, req.output, req.inputs]))
    .digest('hex');
}

const entryPath = (dir: string, key: string) => join(dir, key.slice(0, 2), `${key}.json`);

export class JudgeCache {
  private writtenSincePrune = 0;
  private pruning: Promise<void> | null = null;

  constructor(private readonly settings: Pick<JudgeCacheSettings, 'dir' | 'maxBytes'>) {}

  /** The kept answer, or null: absent, damaged, of another version, or for another key. */
  async get(key: string): Promise<Omit<JudgeCall, 'cached'> | null> {
    const file = entryPath(this.settings.dir, key);
    let entry: Entry;
    try {
      entry = JSON.parse(await readFile(file, 'utf8')) as Entry;
    } catch {
      return null;
    }
    const c = entry?.call;
    if (entry?.v !== ENTRY_VERSION || entry.key !== key || typeof c !== 'object' || c === null || c.ok !== true || typeof c.output !== 'string') return null;
    // Used: it is the newest again for eviction (a failure here costs nothing but that).
    const now = new Date();
    await utimes(file, now, now).catch(() => {});
    return { flowId: c.flowId, runId: c.runId ?? null, ok: true, attempts: c.attempts, latencyMs: c.latencyMs, output: c.output };
  }

  /** Keeps a successful call's answer; failures to write are ignored (the cache is an optimisation, never the run's fault). */
  async put(key: string, call: Omit<JudgeCall, 'cached'>): Promise<void> {
    if (!call.ok) return;
    const file = entryPath(this.settings.dir, key);
    const entry: Entry = { v: ENTRY_VERSION, key, savedAt: new Date().toISOString(), call };
    const text = `${JSON.stringify(entry)}\n`;
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(this.settings.dir, key.slice(0, 2)), { recursive: true });
      await writeFile(temp, text);
      await rename(temp, file);
    } catch {
      await rm(temp, { force: true }).catch(() => {});
      return;
    }
    this.writtenSincePrune += Buffer.byteLength(text);
    // In the background: the grade that wrote last does not wait for a walk of the whole folder.
    if (this.writtenSincePrune >= this.settings.maxBytes * PRUNE_EVERY_SHARE) void this.prune();
  }

  /** Removes the least recently used entries until the folder is within its cap. One prune at a time per thread. */
  prune(): Promise<void> {
    const running =
      this.pruning ??
      pruneJudgeCache(this.settings).then(
        () => {},
        () => {},
      );
    if (this.pruning === null) {
      this.pruning = running;
      void running.finally(() => {
        this.writtenSincePrune = 0;
        this.pruning = null;
      });
    }
    return running;
  }
}

/** Holds `dir` under `maxBytes`: oldest (least recently used) entries go first; stray temporary files older than a minute too. */
export async function pruneJudgeCache(settings: Pick<JudgeCacheSettings, 'dir' | 'maxBytes'>): Promise<{ removed: number; bytes: number }> {
  const files: { path: string; size: number; mtimeMs: number }[] = [];
  let subs: string[];
  try {
    subs = await readdir(settings.dir);
  } catch {
    return { removed: 0, bytes: 0 };
  }
  let removed = 0;
  for (const sub of subs) {
    const names = await readdir(join(settings.dir, sub)).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(settings.dir, sub, name);
      const st = await stat(path).catch(() => null);
      if (st === null || !st.isFile()) continue;
      // Another thread's write in progress is left alone; one left by a killed process is not.
      if (name.endsWith('.tmp')) {
        if (
          Date.now() - st.mtimeMs > 60_000 &&
          (await rm(path, { force: true }).then(
            () => true,
            () => false,
          ))
        )
          removed++;
        continue;
      }
      files.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  let bytes = files.reduce((a, f) => a + f.size, 0);
  files.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const f of files) {
    if (bytes <= settings.maxBytes) break;
    await rm(f.path, { force: true }).catch(() => {});
    bytes -= f.size;
    removed++;
  }
  return { removed, bytes };
}

/** The judge caller with the cache in front: a hit makes no call and is marked `cached`; only successes are kept. */
export function cachedJudgeCaller(call: JudgeCaller, cache: JudgeCache, identity: string): JudgeCaller {
  return async (req) => {
    const key = judgeCacheKey(identity, req);
    const kept = await cache.get(key);
    if (kept !== null) return { ...kept, cached: true, error: null };
    const made = await call(req);
    if (made.error === null && made.ok) {
      const { error: _error, cached: _cached, ...answer } = made;
      await cache.put(key, answer);
    }
    return made;
  };
}
