// Every suite in docs/recipes.md matches the schema, loads, and runs (shortened) against the simulator.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { suiteJsonSchema } from '../../src/schema/json-schema.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const lib = (await import(join(ROOT, 'dist/index.js'))) as typeof import('../../src/index.js');
const page = readFileSync(join(ROOT, 'docs/recipes.md'), 'utf8');
const blocks = [...page.matchAll(/^`(suites\/[\w-]+\.yaml)`:\n\n```yaml\n([\s\S]*?)```/gm)].map((m) => ({ file: m[1]!, text: m[2]! }));
const workflows = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Record<string, unknown>).filter((d) => d && 'jobs' in d);
const validate = new Ajv({ allowUnionTypes: true }).compile(suiteJsonSchema());

// The repository layout the recipes assume: suites/ next to datasets/.
const root = tempDir('flowbench-recipes-');
mkdirSync(join(root, 'suites'));
mkdirSync(join(root, 'datasets'));
copyFileSync(join(ROOT, 'datasets/support.csv'), join(root, 'datasets/support.csv'));

describe('docs/recipes.md', () => {
  it('has the four recipes, each with its suite', () => {
    expect(blocks.map((b) => b.file)).toEqual(['suites/regression.yaml', 'suites/nightly-latency.yaml', 'suites/draft-check.yaml', 'suites/sweep.yaml']);
    expect(workflows).toHaveLength(2);
  });

  it.each(blocks.map((b) => [b.file, b.text]))('%s matches the schema, loads, and runs shortened against the simulator', async (file, text) => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/suite.schema.json');
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    const path = join(root, file);
    writeFileSync(path, text);
    const suite = await loadSuite(path, { env: {} });
    expect(suite.target.baseUrl).toBe('simulator');
    // Short: 3 rows, or 1 s at 10 req/s (after any warm-up) for the time-based ones (--rate replaces a sweep).
    const timed = suite.load.durationMs !== null || ('sweep' in suite.load && suite.load.sweep !== null);
    const overrides = timed ? { duration: '1s', rate: 10 } : { limit: 3 };
    const { report } = await lib.runSuite(path, { env: {}, overrides, outDir: join(root, 'out', file) });
    for (const v of report.variants) {
      expect(v.requests, `${file} ${v.name}`).toBeGreaterThan(0);
      expect(v.errors, `${file} ${v.name}`).toBe(0);
    }
  });

  it('the workflows run the suites shown on the page', () => {
    const runs = workflows.flatMap((w) =>
      Object.values(w.jobs as Record<string, { steps: Array<{ run?: string }> }>).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : []))),
    );
    const invoked = runs.flatMap((r) => [...r.matchAll(/npx flowbench run (\S+)/g)].map((m) => m[1]));
    expect(invoked.length).toBe(2);
    for (const f of invoked) expect(blocks.map((b) => b.file)).toContain(f);
  });
});
