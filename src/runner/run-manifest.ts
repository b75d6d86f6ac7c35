// run-manifest.json: written when a run starts, it fingerprints the suite (as loaded, flags applied,
// token left out) and the dataset's bytes, so that `--resume DIR` can refuse a suite or dataset that changed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flatSpec, fromFlatSpec, type FlatSpec } from '../load/flat-load.js';
import { writeFileWhole } from '../report/whole-file.js';
import { ConfigError } from '../errors/config-error.js';
import type { LoadSpec, Suite } from '../suite/types.js';
import { redactUrl } from '../stackai/url-credentials.js';
import { maskedHeaders } from '../worker/row-headers.js';
import type { RegradeOf } from '../report/report-model.js';
import type { SessionMark } from './sessions.js';

export const MANIFEST_FILE = 'run-manifest.json';

export interface RunManifest {
  schemaVersion: 1;
  suite: string;
  suiteFile: string;
  startedAt: string;
  /**
   * sha256 of the settings (except the shard) and the dataset's bytes: equal for every run and every
   * shard of the same suite, flags and dataset. Also in report.json.
   */
  suiteHash: string;
  /** One hash per setting (e.g. "load.concurrency"), so a refusal can name what changed. */
  settings: Record<string, string>;
  dataset: { path: string; sha256: string; bytes: number };
  /**
   * The suite as the run used it (flags applied), without the token and header values: what
   * `flowbench report DIR` needs to rebuild report.json from results.jsonl after a kill.
   */
  suiteAsRun?: Suite;
  /** The run's sessions so far (first run, then each --resume); absent in folders written by earlier versions. */
  sessions?: SessionMark[];
  /** `flowbench regrade` folders: the run whose outputs were graded again (its sessions are copied above). */
  regradeOf?: RegradeOf;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The settings that decide what a run sends and how it is judged, flattened to two levels.
 * Left out: the token (rotating a key is no change), where the report goes, and where the suite file sits.
 */
export function suiteSettings(suite: Suite): Record<string, string> {
  const { file: _file, dir: _dir, report: _report, repeat, ...rest } = suite;
  // Secret-looking header values and a URL's credentials are left out too: no hash of a credential is written.
  const target = { ...rest.target, baseUrl: redactUrl(rest.target.baseUrl), token: undefined, headers: maskedHeaders(rest.target.headers ?? {}) };
  const out: Record<string, string> = {};
  // The load in its flat form (no `kind`, other models' keys null), as before the models were a union:
  // the same suite hashes the same in every version, so a run begun before it can still be resumed.
  // `repeat` only when rows repeat: a suite without it hashes as it did before the key existed.
  for (const [key, value] of Object.entries({ ...rest, target, load: flatSpec(rest.load), ...(repeat > 1 && { repeat }) })) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) out[`${key}.${sub}`] = sha256(JSON.stringify(v) ?? 'undefined');
      }
    } else out[key] = sha256(JSON.stringify(value) ?? 'undefined');
  }
  return out;
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

export async function buildManifest(suite: Suite, startedAt: Date): Promise<RunManifest> {
  const settings = suiteSettings(suite);
  const sorted = Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)));
  const dataset = { path: suite.dataset.path, ...(await hashFile(suite.dataset.path)) };
  // Shards of one run differ only in their shard: the shared hash leaves it out (resume still checks it).
  const shared = Object.entries(sorted).filter(([k]) => k !== 'shard' && !k.startsWith('shard.'));
  return {
    schemaVersion: 1,
    suite: suite.name,
    suiteFile: suite.file,
    startedAt: startedAt.toISOString(),
    suiteHash: sha256(JSON.stringify([shared, dataset.sha256])),
    settings: sorted,
    dataset,
    suiteAsRun: keptSuite(suite),
  };
}

/** The suite without what must never be written: the token, the values of extra headers, a URL's credentials. */
export function keptSuite(suite: Suite): Suite {
  const headers = Object.fromEntries(Object.keys(suite.target.headers ?? {}).map((k) => [k, '(not kept)']));
  return { ...suite, target: { ...suite.target, baseUrl: redactUrl(suite.target.baseUrl), token: '', headers } };
}

export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  // Written beside, flushed and renamed over: a kill or a full disk mid-write leaves the old manifest (or
  // none), never an empty or torn one that a later --resume would call damaged.
  await writeFileWhole(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads DIR's manifest; a folder without one is not a run flowbench can resume. */
export async function readManifest(dir: string): Promise<RunManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `--resume ${dir}: ${code === 'ENOENT' ? `no ${MANIFEST_FILE} there` : `cannot read ${MANIFEST_FILE} (${code ?? String(err)})`}`,
      { file },
      'point --resume at the report folder of a flowbench run (it holds results.jsonl and run-manifest.json)',
    );
  }
  try {
    const m = JSON.parse(text) as RunManifest;
    if (m.schemaVersion !== 1 || typeof m.suiteHash !== 'string' || typeof m.settings !== 'object') throw new Error('bad shape');
    // Written before the load models were a union: its load has no `kind`, the model follows from its fields.
    const load = m.suiteAsRun?.load as (LoadSpec | FlatSpec) | undefined;
    if (m.suiteAsRun && load && !('kind' in load)) m.suiteAsRun = { ...m.suiteAsRun, load: fromFlatSpec(load) };
    return m;
  } catch {
    throw new ConfigError(`${MANIFEST_FILE} is damaged`, { file }, 'start a new run instead of resuming this one');
  }
}

/** null when `now` may resume `before`, else the reason it may not (which settings or which file changed). */
export function manifestMismatch(before: RunManifest, now: RunManifest): string | null {
  const reasons: string[] = [];
  const keys = new Set([...Object.keys(before.settings), ...Object.keys(now.settings)]);
  const changed = [...keys].filter((k) => before.settings[k] !== now.settings[k]).sort();
  if (changed.length) reasons.push(`the suite changed since the run began (${changed.join(', ')})`);
  if (before.dataset.sha256 !== now.dataset.sha256) {
    const moved = before.dataset.path !== now.dataset.path ? ` (was ${before.dataset.path})` : '';
    reasons.push(
      `the dataset ${now.dataset.path}${moved} changed since the run began (sha256 ${before.dataset.sha256.slice(0, 12)}… → ${now.dataset.sha256.slice(0, 12)}…, ${before.dataset.bytes} → ${now.dataset.bytes} bytes)`,
    );
  }
  return reasons.length ? reasons.join('; and ') : null;
}
