// Where the judge cache lives and how big it may grow, decided once on the main thread (the grading
// threads are handed the result): $FLOWBENCH_CACHE_DIR/judge, else $XDG_CACHE_HOME/flowbench/judge, else
// ~/.cache/flowbench/judge; capped at $FLOWBENCH_JUDGE_CACHE_MAX_MB (default 256) megabytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { redactUrl } from '../stackai/url-credentials.js';

export const DEFAULT_JUDGE_CACHE_MAX_MB = 256;

export interface JudgeCacheSettings {
  /** Absolute folder of the entries. */
  dir: string;
  maxBytes: number;
  /**
   * What, besides the judge flow, version and rendered inputs, decides a judge's answer: the suite's base
   * URL (credentials cut out) and org, and for the embedded simulator its flows file's bytes and seed.
   * Never the token: rotating a key changes no answer.
   */
  identity: string;
}

/** The folder and cap from the environment; a cap that is not a number >= 0 is a ConfigError naming the variable. */
export function judgeCacheLocation(env: NodeJS.ProcessEnv = process.env): { dir: string; maxBytes: number } {
  const own = env.FLOWBENCH_CACHE_DIR?.trim();
  const xdg = env.XDG_CACHE_HOME?.trim();
  // XDG says a relative XDG_CACHE_HOME is invalid and is to be ignored.
  const base = own ? resolve(own) : xdg && isAbsolute(xdg) ? join(xdg, 'flowbench') : join(homedir(), '.cache', 'flowbench');
  const rawMb = env.FLOWBENCH_JUDGE_CACHE_MAX_MB?.trim();
  const mb = rawMb === undefined || rawMb === '' ? DEFAULT_JUDGE_CACHE_MAX_MB : Number(rawMb);
  if (!Number.isFinite(mb) || mb < 0) {
    throw new ConfigError(
      `FLOWBENCH_JUDGE_CACHE_MAX_MB=${rawMb}: not a number of megabytes`,
      {},
      `set it to a number >= 0 (0 keeps nothing; the default is ${DEFAULT_JUDGE_CACHE_MAX_MB}), or unset it`,
    );
  }
  return { dir: join(base, 'judge'), maxBytes: Math.round(mb * 1024 * 1024) };
}

/** The cache settings for a suite's judge calls; null when caching is off (--no-cache, or a cap of 0). */
export function judgeCacheSettings(
  target: { baseUrl: string; orgId: string; simulator: { flows: string | null; seed: number } },
  defaultFlowsFile: string,
  enabled: boolean,
  env: NodeJS.ProcessEnv = process.env,
): JudgeCacheSettings | null {
  if (!enabled) return null;
  const { dir, maxBytes } = judgeCacheLocation(env);
  if (maxBytes === 0) return null;
  const parts: unknown[] = [redactUrl(target.baseUrl), target.orgId];
  if (target.baseUrl === 'simulator') {
    // The simulator's answers follow from its flows and seed: another flows file is another judge.
    const flows = target.simulator.flows ?? defaultFlowsFile;
    let bytes = '';
    try {
      bytes = createHash('sha256').update(readFileSync(flows)).digest('hex');
    } catch {
      bytes = `unreadable:${flows}`; // the simulator will say why when it starts
    }
    parts.push(bytes, target.simulator.seed);
  }
  return { dir, maxBytes, identity: JSON.stringify(parts) };
}
