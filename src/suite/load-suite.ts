// Loads a suite file: parse with positions, validate against the schema, normalise, apply overrides, check the
// dataset and the grader modules — every check a run makes before its first request, all errors in one pass.
import { resolve } from 'node:path';
import { checkDataset } from './check-dataset.js';
import { checkScripts } from './check-scripts.js';
import { checkSuite } from './checks.js';
import { ConfigError, ConfigErrors } from '../errors/config-error.js';
import type { LoadContext } from './load-context.js';
import { normalise } from './normalise.js';
import { applyOverrides } from './overrides.js';
import { walkSuite } from './schema-walk.js';
import { suiteSchema } from './suite-schema.js';
import type { Suite, SuiteOverrides } from './types.js';
import { YamlSource } from '../yaml/yaml-source.js';

export interface LoadSuiteOptions {
  /** Where ${VAR} references come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Command-line flags, applied after the file is validated. */
  overrides?: SuiteOverrides;
}

/**
 * The validated, normalised suite. Every user mistake is a ConfigError naming the file, line and column,
 * and how to fix it; two or more are thrown together as ConfigErrors, in file order. Nothing is sent.
 *
 * Each stage adds its mistakes to ctx.errors and goes on, except where going on could only report noise:
 * a suite file that cannot be read or parsed, a document the schema walk could not make whole (a required
 * key missing, a section of the wrong shape), a bad command-line flag (the checks after it would judge a
 * suite the flag was meant to change), and a dataset that cannot be opened (checkDataset stops itself).
 */
export async function loadSuite(file: string, opts: LoadSuiteOptions = {}): Promise<Suite> {
  const src = await YamlSource.open(resolve(file), {
    what: 'suite file',
    pathHint: 'check the path (it is relative to the current directory), or copy suites/demo.yaml to start one',
    tooBigHint: 'check the path is a suite; rows go in the dataset file (dataset.path), not in the suite',
  });
  const env = opts.env ?? process.env;
  const walked = walkSuite(src, suiteSchema(), env);
  const ctx: LoadContext = {
    src,
    where: walked.where,
    env,
    overrides: opts.overrides ?? {},
    variantIndex: new Map(),
    errors: walked.errors,
    refused: walked.refused,
  };
  if (!walked.complete) throw together(ctx.errors, src.file);
  let suite: Suite;
  try {
    suite = normalise(walked.value, ctx);
    if (opts.overrides) suite = applyOverrides(suite, opts.overrides);
    checkSuite(suite, ctx);
    await checkDataset(suite, ctx);
    await checkScripts(suite, ctx);
  } catch (err) {
    // A stage that stops at its mistake (a bad flag) ends the checks; what was found before it is kept.
    if (!(err instanceof ConfigError)) throw err;
    ctx.errors.push(err);
  }
  if (ctx.errors.length > 0) throw together(ctx.errors, src.file);
  return suite!;
}

/** One error as itself (its message unchanged), several as ConfigErrors: the suite file's in line order, then the others. */
function together(errors: ConfigError[], suiteFile: string): ConfigError {
  const seen = new Set<string>();
  const unique = errors.filter((e) => !seen.has(e.format()) && seen.add(e.format()));
  const rank = (e: ConfigError) => (e.file === suiteFile ? 0 : e.file === undefined ? 1 : 2);
  // sort is stable: errors at the same place keep the order the checks found them in.
  const sorted = unique.sort(
    (a, b) => rank(a) - rank(b) || (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
  return sorted.length === 1 ? sorted[0]! : new ConfigErrors(sorted, suiteFile);
}

/**
 * loadSuite under another name, kept for test/fuzz/suite-loader.fuzz.test.ts (its one caller), which reads as
 * "validate": the same checks as a run; resolves with the suite, rejects with its ConfigError(s). `flowbench
 * validate` calls loadSuite itself. Goes when that test calls loadSuite.
 */
export const validateSuiteFile = (file: string, opts: LoadSuiteOptions = {}): Promise<Suite> => loadSuite(file, opts);
