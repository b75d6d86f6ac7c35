// Loads a suite file: parse with positions, validate against the schema, normalise, apply overrides, check the dataset.
import { resolve } from 'node:path';
import { checkDataset } from './check-dataset.js';
import { checkSuite } from './checks.js';
import type { LoadContext } from './load-context.js';
import { normalise } from './normalise.js';
import { applyOverrides } from './overrides.js';
import { walkSuite } from './schema-walk.js';
import { SUITE_SCHEMA } from './suite-schema.js';
import type { Suite, SuiteOverrides } from './types.js';
import { YamlSource } from './yaml-source.js';

export interface LoadSuiteOptions {
  /** Where ${VAR} references come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Command-line flags, applied after the file is validated. */
  overrides?: SuiteOverrides;
}

/**
 * The validated, normalised suite. Every user mistake is a ConfigError naming the file, line and column,
 * and how to fix it; nothing is run and nothing is sent.
 */
export async function loadSuite(file: string, opts: LoadSuiteOptions = {}): Promise<Suite> {
  const src = await YamlSource.open(resolve(file));
  const env = opts.env ?? process.env;
  const { value, where } = walkSuite(src, SUITE_SCHEMA, env);
  const ctx: LoadContext = { src, where, env, overrides: opts.overrides ?? {}, variantIndex: new Map() };
  let suite = normalise(value, ctx);
  if (opts.overrides) suite = applyOverrides(suite, opts.overrides);
  checkSuite(suite, ctx);
  await checkDataset(suite, ctx);
  return suite;
}

/** `flowbench validate`: the same checks as a run; resolves with the suite, rejects with the first ConfigError. */
export const validateSuiteFile = (file: string, opts: LoadSuiteOptions = {}): Promise<Suite> => loadSuite(file, opts);
