// The layers of src/ hold: dependency-cruiser with the rules of .dependency-cruiser.cjs finds no
// violation, and finds each one a fixture folder commits on purpose (so the check can fail).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as IConfiguration;

async function cruised(baseDir: string): Promise<ICruiseResult> {
  const { output } = await cruise(['src'], { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden ?? [] } });
  return output as ICruiseResult;
}

/** Each violation of the rules, as "from → to (rule)"; a package is named, not its path in node_modules. */
const violations = (result: ICruiseResult): string[] =>
  result.summary.violations.map((v) => `${v.from} → ${v.to.replace(/^(.*\/)?node_modules\/([^/]+)\/.*$/, '$2')} (${v.rule.name})`).sort();

describe('import layers', () => {
  it('src/ breaks no rule of .dependency-cruiser.cjs, and every named exception is still used', async () => {
    const result = await cruised(root);
    expect(violations(result)).toEqual([]);
    // An exception rule (value imports of its files forbidden, type-only ones allowed): each of its files is
    // still imported from its folder, else the exception has served its time and goes.
    const unused: string[] = [];
    for (const rule of config.forbidden ?? []) {
      const to = 'to' in rule ? rule.to : null;
      if (!to || !('dependencyTypesNot' in to) || !('path' in rule.from)) continue;
      const from = new RegExp(String(rule.from.path));
      for (const file of String(to.path).split('|')) {
        const target = new RegExp(file);
        const used = result.modules.some((m) => from.test(m.source) && m.dependencies.some((d) => target.test(d.resolved)));
        if (!used) unused.push(`${rule.name}: ${file}`);
      }
    }
    expect(unused).toEqual([]);
    // not-in-a-layer judges dependencies: a module that imports nothing is checked here.
    const inLayers = (config.forbidden ?? []).find((r) => r.name === 'not-in-a-layer');
    const layered = new RegExp(String(inLayers && 'path' in inLayers.from ? inLayers.from.pathNot : '^$'));
    expect(result.modules.filter((m) => m.source.startsWith('src/') && !layered.test(m.source)).map((m) => m.source)).toEqual([]);
  });

  it('reports a backwards import, a type-only one, a value import past an exception, a cycle, a folder in no layer and a library out of its folder', async () => {
    expect(violations(await cruised(join(root, 'test/fixtures/imports-bad')))).toEqual([
      'src/errors/config-error.ts → src/runner/run.ts (layer-foundation)',
      'src/errors/config-error.ts → src/runner/run.ts (no-circular)',
      'src/load/model.ts → src/suite/types.ts (load-model-contract)',
      'src/text/shout.ts → src/suite/types.ts (layer-foundation)',
      'src/text/table.ts → cli-table3 (one-library-one-folder)',
      'src/utils/misc.ts → src/text/shout.ts (not-in-a-layer)',
    ]);
  });
});
