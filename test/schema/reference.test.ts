// docs/suite-reference.md is generated from the suite schema: this fails when the committed file is stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceMarkdown } from '../../src/schema/reference.js';
import { SUITE_SCHEMA, type SchemaType } from '../../src/suite/suite-schema.js';
import { GRADER_KEYS } from '../../src/grade/registry.js';
import { ROOT } from '../helpers/cli.js';

describe('docs/suite-reference.md', () => {
  it('is up to date with src/suite/suite-schema.ts and the grader registry (if not: npm run docs)', () => {
    const committed = readFileSync(join(ROOT, 'docs/suite-reference.md'), 'utf8');
    expect(committed === referenceMarkdown(), 'docs/suite-reference.md is stale: run `npm run docs` and commit it').toBe(true);
  });

  it('documents every key and every grader type', () => {
    const text = referenceMarkdown();
    const keys = (t: SchemaType): string[] =>
      t.kind === 'object'
        ? Object.entries(t.fields)
            .filter(([k]) => k !== 'graders')
            .flatMap(([k, f]) => [
              k,
              ...keys(f.type.kind === 'list' ? f.type.items : f.type.kind === 'union' ? (f.type.options.find((o) => o.kind === 'object') ?? f.type) : f.type),
            ])
        : [];
    // graders[] is documented by type, from the registry, below.
    for (const k of keys(SUITE_SCHEMA)) expect(text, k).toContain(`| \`${k}\` |`);
    for (const t of Object.keys(GRADER_KEYS)) expect(text, t).toContain(`| \`${t}\` |`);
  });
});
