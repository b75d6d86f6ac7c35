// What the loader's stages share about one suite file: its source, where each value sits, the env, the overrides.
import type { ConfigError } from '../errors/config-error.js';
import type { Positions, RefusedPaths } from './positions.js';
import type { SuiteOverrides } from './types.js';
import type { YamlSource } from '../yaml/yaml-source.js';

export interface LoadContext {
  src: YamlSource;
  where: Positions;
  env: NodeJS.ProcessEnv;
  overrides: SuiteOverrides;
  /** Variant name -> its index in the suite's `variants` list (positions survive --variant filtering). */
  variantIndex: Map<string, number>;
  /** Every mistake found so far: a check adds its own and goes on, so one pass reports them all. */
  errors: ConfigError[];
  /** Values refused so far: checks that read them skip them. */
  refused: RefusedPaths;
}
