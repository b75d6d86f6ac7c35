// The generated JSON Schema checks every suite in the repo, and agrees with the loader key by key, both ways.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GRADER_KEYS } from '../../src/grade/registry.js';
import { suiteJsonSchema } from '../../src/schema/json-schema.js';
import { schemaText } from '../../src/schema/write-schema.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import { SUITE_SCHEMA, type FieldSchema, type SchemaType } from '../../src/suite/suite-schema.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
const validate = ajv.compile(suiteJsonSchema());
const MODELINE = '# yaml-language-server: $schema=../schema/suite.schema.json';

/** Every suite file in suites/ (the *.flows.yaml files are simulator flows, not suites). */
function repoSuites(): string[] {
  return readdirSync(join(ROOT, 'suites'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !/\.flows\.ya?ml$/.test(f))
    .map((f) => join(ROOT, 'suites', f));
}

describe('schema/suite.schema.json', () => {
  it('is the generated schema (npm run build writes it)', () => {
    const same = readFileSync(join(ROOT, 'schema/suite.schema.json'), 'utf8') === schemaText();
    expect(same, 'schema/suite.schema.json differs from the generated schema: run `npm run build` and commit it').toBe(true);
  });

  it.each(repoSuites().map((f) => [f.slice(ROOT.length + 1), f]))('%s starts with the modeline, matches the schema and loads', async (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const depth = file.slice(join(ROOT, 'suites').length + 1).split('/').length - 1;
    expect(text.split('\n')[0]).toBe(MODELINE.replace('../', '../'.repeat(depth + 1)));
    const ok = validate(parse(text));
    expect(validate.errors ?? [], file).toEqual([]);
    expect(ok).toBe(true);
    await expect(loadSuite(file, { env: { STACKAI_API_KEY: 'test-token' } })).resolves.toBeTruthy();
  });
});

describe('whole suites shown in README.md and docs/', () => {
  const docs = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const shown = docs.flatMap((f) =>
    [...readFileSync(join(ROOT, f), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)].flatMap((m, i) => {
      let doc: unknown;
      try {
        doc = parse(m[1]!);
      } catch {
        return []; // fragments that show alternatives side by side are not suites
      }
      const replay = doc !== null && typeof doc === 'object' && 'load' in doc && typeof doc.load === 'object' && doc.load !== null && 'replay' in doc.load;
      return doc !== null && typeof doc === 'object' && 'name' in doc && ('dataset' in doc || replay) ? [[`${f} block ${i + 1}`, doc] as const] : [];
    }),
  );

  it('include the README suite and the recipes', () => {
    expect(shown.filter(([where]) => where.startsWith('README.md')).length).toBeGreaterThanOrEqual(1);
    expect(shown.filter(([where]) => where.startsWith('docs/recipes.md')).length).toBe(4);
  });

  it.each(shown)('%s matches the schema', (_where, doc) => {
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
  });
});

// ---- agreement: for each key the loader knows, build suites that set it, misspell it, mistype it, drop it ----

type Doc = Record<string, unknown>;
const BASE: Doc = { name: 't', target: { flow_id: 'echo-fast' }, dataset: { path: 'rows.csv', inputs: { 'in-0': '{{question}}' } } };

/** A value the loader should accept for a key: its default where it has one, else one built from its type. */
function sample(field: FieldSchema | undefined, t: SchemaType): unknown {
  if (field?.default !== undefined && field.default !== null) return field.default;
  switch (t.kind) {
    case 'string':
      return t.enum ? t.enum[0] : 'x';
    case 'integer':
      return Math.max(t.min ?? 1, 1);
    case 'number':
      return (t.min ?? 0) + 1;
    case 'boolean':
      return true;
    case 'duration':
      return '1s';
    case 'object':
      return Object.fromEntries(
        Object.entries(t.fields)
          .filter(([, f]) => f.required)
          .map(([k, f]) => [k, sample(f, f.type)]),
      );
    case 'map':
      return {};
    case 'list':
      return [sample(undefined, t.items)];
    case 'union':
      return sample(undefined, t.options[0]!);
    case 'any':
      return 'x';
  }
}

/** Every key reachable through objects (list items and map values are covered by their own cases). */
function keyPaths(t: SchemaType, path: string[] = []): Array<{ path: string[]; field: FieldSchema }> {
  if (t.kind !== 'object') return [];
  return Object.entries(t.fields).flatMap(([k, f]) => {
    const inner = f.type.kind === 'union' ? f.type.options.find((o) => o.kind === 'object') : f.type;
    return [{ path: [...path, k], field: f }, ...(inner ? keyPaths(inner, [...path, k]) : [])];
  });
}

function withValue(doc: Doc, path: string[], value: unknown): Doc {
  const out = structuredClone(doc);
  let at = out;
  for (const k of path.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Doc;
  }
  if (value === undefined) delete at[path[path.length - 1]!];
  else at[path[path.length - 1]!] = value;
  return out;
}

const dir = tempDir('flowbench-schema-');
writeFileSync(join(dir, 'rows.csv'), 'question,answer\nhi,hello\n');
let n = 0;

async function verdicts(doc: Doc): Promise<{ loader: boolean; loaderError: string; schema: boolean; schemaErrors: string }> {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, stringify(doc));
  let loader = true;
  let loaderError = '';
  try {
    await loadSuite(file, { env: {} });
  } catch (err) {
    loader = false;
    loaderError = (err as Error).message;
  }
  const schema = validate(doc) as boolean;
  return { loader, loaderError, schema, schemaErrors: ajv.errorsText(validate.errors) };
}

const paths = keyPaths(SUITE_SCHEMA);

describe('schema and loader agree', () => {
  it('the base suite passes both', async () => {
    const v = await verdicts(BASE);
    expect(v, v.loaderError + v.schemaErrors).toMatchObject({ loader: true, schema: true });
  });

  it('every key the loader knows is a property of the schema, with its doc and required-ness, and no other', () => {
    const schema = suiteJsonSchema();
    const propsAt = (p: string[]) => {
      let s = schema as Doc;
      for (const k of p) {
        s = (s.properties as Doc)[k] as Doc;
        if (!s.properties && Array.isArray(s.anyOf)) s = (s.anyOf as Doc[]).find((o) => o.properties) ?? s;
      }
      return s;
    };
    for (const { path, field } of paths) {
      const parent = propsAt(path.slice(0, -1));
      const prop = (parent.properties as Doc)[path[path.length - 1]!] as Doc | undefined;
      expect(prop, path.join('.')).toBeDefined();
      expect(prop!.description).toBe(field.doc);
      expect(((parent.required as string[] | undefined) ?? []).includes(path[path.length - 1]!), path.join('.')).toBe(field.required === true);
    }
    const schemaKeys = (s: Doc, p: string[] = []): string[] =>
      Object.entries((s.properties as Doc | undefined) ?? {}).flatMap(([k, v]) => {
        if ((v as Doc).propertyNames) return [[...p, k].join('.')]; // a map with known names (thresholds, gates), not an object
        const inner = (v as Doc).properties ? (v as Doc) : ((v as Doc).anyOf as Doc[] | undefined)?.find((o) => o.properties);
        return [[...p, k].join('.'), ...(inner ? schemaKeys(inner, [...p, k]) : [])];
      });
    expect(schemaKeys(schema).sort()).toEqual(paths.map((p) => p.path.join('.')).sort());
  });

  it('setting any key to a sample value, to null or to an env reference: whatever the loader accepts, the schema accepts', async () => {
    let accepted = 0;
    for (const { path, field } of paths) {
      const value = sample(field, field.type);
      const cases: unknown[] = [value];
      if (!field.required) cases.push(null);
      if (['string', 'integer', 'number', 'boolean', 'duration'].includes(field.type.kind) && typeof value !== 'object')
        cases.push(`\${FLOWBENCH_UNSET_VAR:-${String(value)}}`);
      for (const c of cases) {
        const v = await verdicts(withValue(BASE, path, c));
        if (v.loader) accepted++;
        if (v.loader) expect(v.schema, `${path.join('.')}: ${JSON.stringify(c)}: ${v.schemaErrors}`).toBe(true);
      }
    }
    // The samples are mostly valid: the loader accepting most of them is what makes the check above mean something.
    expect(accepted).toBeGreaterThan(paths.length);
  });

  it('a misspelled key, a missing required key and a wrongly typed value: both refuse (or both take it)', async () => {
    for (const { path, field } of paths) {
      const label = path.join('.');
      const parentPath = path.slice(0, -1);
      const parent = parentPath.length > 0 ? withValue(BASE, parentPath, sampleAt(parentPath)) : BASE;
      const m = await verdicts(withValue(parent, [...parentPath, `${path[path.length - 1]}_x`], 1));
      expect(m, `${label}_x`).toMatchObject({ loader: false, schema: false });
      expect(m.loaderError).toMatch(/unknown key/);
      if (field.required) {
        const d = await verdicts(withValue(BASE, path, undefined));
        expect(d, `without ${label}`).toMatchObject({ loader: false, schema: false });
      }
      const w = await verdicts(withValue(BASE, path, [[1]]));
      expect(w.schema, `${label}: [[1]]: loader says ${w.loaderError || 'ok'}; schema says ${w.schemaErrors}`).toBe(w.loader);
    }
  });

  it('thresholds: known metrics and metadata-field metrics pass both; an unknown metric fails both', async () => {
    const meta = { metadata: { fields: { tokens: 'total_tokens' } } };
    const cases: Array<[Doc, boolean]> = [
      [{ ...BASE, thresholds: { ttft_p95_ms: '< 1500', error_rate: '< 1%', pass_rate: '>= 0.9' } }, true],
      [{ ...BASE, ...meta, thresholds: { tokens_p95: '< 500' } }, true],
      [{ ...BASE, thresholds: { ttft_95th: '< 1500' } }, false], // (ttft_p95 would pass the schema: it cannot see metadata.fields)
      [{ ...BASE, thresholds: { latency_p42_ms: '< 1' } }, false],
    ];
    for (const [doc, ok] of cases) {
      const v = await verdicts(doc);
      expect(v, JSON.stringify(doc.thresholds)).toMatchObject({ loader: ok, schema: ok });
    }
  });

  it('compare.fail_on: known gates pass both; an unknown gate fails both', async () => {
    const compare = (fail_on: Doc): Doc => ({
      ...BASE,
      variants: [
        { name: 'a', version: 1 },
        { name: 'b', version: -1 },
      ],
      compare: { baseline: 'a', fail_on },
    });
    const cases: Array<[Doc, boolean]> = [
      [compare({ pass_rate_drop: 0.02, ttft_p95_increase: '10%', latency_p50_rise: '50ms' }), true],
      [compare({ pass_rate_fall: 0.02 }), false],
      [compare({ itl_p99_increase: '10%' }), false], // no significance test for ITL: no gate
    ];
    for (const [doc, ok] of cases) {
      const v = await verdicts(doc);
      expect(v, JSON.stringify(doc.compare)).toMatchObject({ loader: ok, schema: ok });
    }
  });

  it('graders: each type with its required keys passes both; an unknown key or a missing required key fails both', async () => {
    for (const [type, { required }] of Object.entries(GRADER_KEYS)) {
      for (const t of [type, `not-${type}`]) {
        const spec: Record<string, unknown> = { type: t, ...Object.fromEntries(required.map((k) => [k, 'x'])) };
        const ok = await verdicts({ ...BASE, graders: [spec] });
        if (ok.loader) expect(ok.schema, `${t}: ${ok.schemaErrors}`).toBe(true);
        const extra = await verdicts({ ...BASE, graders: [{ ...spec, no_such_key: 1 }] });
        expect(extra, `${t} + no_such_key`).toMatchObject({ loader: false, schema: false });
        for (const k of required) {
          const { [k]: _drop, ...missing } = spec;
          const v = await verdicts({ ...BASE, graders: [missing] });
          expect(v, `${t} without ${k}`).toMatchObject({ loader: false, schema: false });
        }
      }
    }
    const unknown = await verdicts({ ...BASE, graders: [{ type: 'no-such-grader' }] });
    expect(unknown).toMatchObject({ loader: false, schema: false });
  });
});

/** The base suite's value at a path, or a sample for the object there (so a misspelling lands in a real object). */
function sampleAt(path: string[]): unknown {
  let v: unknown = BASE;
  for (const k of path) v = (v as Doc | undefined)?.[k];
  if (v !== undefined) return v;
  const entry = paths.find((p) => p.path.join('.') === path.join('.'));
  return entry ? sample(undefined, entry.field.type.kind === 'union' ? entry.field.type.options.find((o) => o.kind === 'object')! : entry.field.type) : {};
}
