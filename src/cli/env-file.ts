// `--env-file FILE`: loads KEY=VALUE lines into process.env before the suite loads; values are never printed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Command } from 'commander';
import { ConfigError } from '../errors/config-error.js';

/**
 * Sets every variable of the file that the environment does not already set (the environment wins, as with
 * Node's own --env-file and dotenv: a CI secret is never shadowed by a stale file). Returns the names set.
 */
export function loadEnvFile(file: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(`env file ${why}`, { file }, 'give the path of a file of KEY=VALUE lines, e.g. --env-file .env');
  }
  const set: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[key] !== undefined) continue;
    env[key] = value;
    set.push(key);
  }
  return set;
}

/** The global `--env-file` option, applied before any command's action (so before the suite loads). */
export function registerEnvFile(program: Command): void {
  program.option('--env-file <file>', 'load KEY=VALUE lines (e.g. STACKAI_API_KEY) into the environment first; set variables win');
  program.hook('preAction', (_program, action) => {
    const file = (action.optsWithGlobals() as { envFile?: string }).envFile;
    if (file !== undefined) loadEnvFile(file);
  });
}
