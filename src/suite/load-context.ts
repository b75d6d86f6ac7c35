// What the loader's stages share about one suite file: its source, where each value sits, the env, the overrides.
import type { Positions } from './positions.js';
import type { SuiteOverrides } from './types.js';
import type { YamlSource } from './yaml-source.js';

export interface LoadContext {
  src: YamlSource;
  where: Positions;
  env: NodeJS.ProcessEnv;
  overrides: SuiteOverrides;
  /** Variant name -> its index in the suite's `variants` list (positions survive --variant filtering). */
  variantIndex: Map<string, number>;
}
