// The walked suite's type (src/suite/walked-type.ts) is read from SUITE_SCHEMA, and the normaliser trusts
// it without casts. Two halves: the compiler sees the types the schema states (expectTypeOf, checked by
// `npm run lint`'s tsc of test/), and at run time the walker really gives what the type promises: every
// key the type calls always there (required, with a default, or an object) is there in the walk of the
// smallest suite, and no key is there that the type says may be absent unless the suite wrote it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { walkSuite } from '../../src/suite/schema-walk.js';
import { suiteSchema, type FieldSchema, type SchemaType, type WalkedSuite } from '../../src/suite/suite-schema.js';
import { YamlSource } from '../../src/yaml/yaml-source.js';
import { tempDir } from '../helpers/cli.js';

const KIND = { what: 'suite file', pathHint: 'check the path', tooBigHint: 'make it smaller' };

function walked(text: string) {
  const file = join(tempDir('flowbench-walked-'), 'suite.yaml');
  writeFileSync(file, text);
  return walkSuite(YamlSource.openSync(file, KIND), suiteSchema(), {});
}

/** Paths the type says are always present, walking objects that are themselves always present. */
function alwaysPresent(type: SchemaType, path: string[] = []): string[] {
  if (type.kind !== 'object') return [];
  return Object.entries(type.fields).flatMap(([key, f]: [string, FieldSchema]) => {
    const present = f.required === true || f.default !== undefined || f.type.kind === 'object';
    if (!present) return [];
    const here = [...path, key].join('.');
    // An object with `default: null` is null when absent: its own keys are not there.
    return f.default === null ? [here] : [here, ...alwaysPresent(f.type, [...path, key])];
  });
}

const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);

describe('the walked suite, typed from the schema', () => {
  it('the compiler reads the schema: required and defaulted keys are there, enums are their values, durations are ms', () => {
    expectTypeOf<WalkedSuite['name']>().toEqualTypeOf<string>();
    expectTypeOf<WalkedSuite['target']['flow_id']>().toEqualTypeOf<string>();
    expectTypeOf<WalkedSuite['target']['org_id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<WalkedSuite['target']['simulator']['seed']>().toEqualTypeOf<number>();
    expectTypeOf<WalkedSuite['mode']>().toEqualTypeOf<'run' | 'stream' | 'sso-stream'>();
    expectTypeOf<WalkedSuite['load']['timeout']>().toEqualTypeOf<number>();
    expectTypeOf<WalkedSuite['load']['warmup']>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<WalkedSuite['stop_on']>().toEqualTypeOf<{ error_rate?: number; after: number } | null>();
    expectTypeOf<Exclude<WalkedSuite['metadata'], boolean>['fields']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<WalkedSuite['variants'][number]['run_draft']>().toEqualTypeOf<boolean>();
  });

  it('the smallest suite walks to every key the type calls always there, and none it says may be absent', () => {
    const w = walked('name: t\ntarget: { flow_id: f }\ndataset: { path: rows.csv }\n');
    expect(w.errors).toEqual([]);
    expect(w.complete).toBe(true);
    const promised = alwaysPresent(suiteSchema());
    expect(promised.length).toBeGreaterThan(30);
    for (const path of promised) expect(at(w.value, path), path).not.toBeUndefined();
    // Keys the type leaves optional and the suite did not write are absent, not filled.
    for (const path of ['target.org_id', 'target.token', 'target.verbose', 'load.duration', 'load.warmup', 'pass_score', 'dataset.limit'])
      expect(at(w.value, path), path).toBeUndefined();
    // A list's default is not walked, so its items must hold every key a walked item has.
    const variants = suiteSchema().fields.variants.type.items;
    for (const v of w.value.variants) for (const path of alwaysPresent(variants)) expect(at(v, path), `variants[].${path}`).not.toBeUndefined();
    // `default: null` sections are null; durations are numbers of ms.
    expect(w.value.stop_on).toBeNull();
    expect(w.value.compare).toBeNull();
    expect(w.value.load.timeout).toBe(60_000);
    expect(w.value.load.grace).toBe(5_000);
  });
});
