// fast-check generators for suite files: YAML token soup, documents shaped by SUITE_SCHEMA, and mutations of good suites.
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { GRADER_KEYS, GRADER_TYPES } from '../../src/grade/registry.js';
import { SUITE_SCHEMA, type SchemaType } from '../../src/suite/suite-schema.js';

/** Names every object inherits: a lookup that does not check own keys finds these. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** Every key the schema and the grader registry know: random documents use them so the walk goes deep. */
export const VOCABULARY: readonly string[] = [...new Set([...schemaKeys(SUITE_SCHEMA), ...Object.values(GRADER_KEYS).flatMap((g) => g.keys), ...INHERITED])];

function schemaKeys(t: SchemaType): string[] {
  if (t.kind === 'object') return Object.entries(t.fields).flatMap(([k, f]) => [k, ...schemaKeys(f.type)]);
  if (t.kind === 'list') return schemaKeys(t.items);
  if (t.kind === 'map') return schemaKeys(t.values);
  if (t.kind === 'union') return t.options.flatMap(schemaKeys);
  return [];
}

/** Texts a suite's strings hold: files that exist beside the fuzzed suite, templates, env references, near-misses. */
const TEXTS = [
  'simulator',
  'http://127.0.0.1:1',
  'https://api.stack-ai.com/',
  'ftp://x',
  '',
  ' ',
  'x',
  'published',
  'draft',
  'data/d.csv',
  'rows.jsonl',
  'arr.json',
  'nope.csv',
  'data',
  '../datasets/support.csv',
  'd.xlsx',
  'demo.flows.yaml',
  'faults.flows.yaml',
  'fuzz.flows.yaml',
  'graders/helpful.mjs',
  'graders/nope.mjs',
  'schemas/order.schema.json',
  'demo.yaml',
  '{{question}}',
  '{{answer}}',
  '{{expected}}',
  '{{row}}',
  '{{nope}}',
  '{{',
  '}}',
  '{{ q }}',
  '${FUZZ_SET}',
  '${FUZZ_TOKEN}',
  '${FUZZ_UNSET}',
  '${FUZZ_UNSET:-}',
  '${FUZZ_UNSET:-8}',
  '$${x}',
  '${',
  '< 1500',
  '>= 0.6',
  '< 0.01',
  '<',
  'nan',
  '60s',
  '500ms',
  '1m30s',
  '0s',
  '-1s',
  'soon',
  '$.score',
  '$[',
  '(',
  '[a-',
  'stream',
  'run',
  'sso-stream',
  ...INHERITED,
  '{{constructor}}',
  '{{__proto__}}',
  'not-constructor',
  'X-Team',
  'Authorization',
  'keep-alive',
  'bad name',
  'line\nbreak',
  'always',
  'pass',
  'fail',
  'usage..tokens',
  'usage.completion_tokens',
];

const text = fc.oneof({ arbitrary: fc.constantFrom(...TEXTS), weight: 4 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 });

/** Any value a suite could hold, nested a little: what a mutation puts where something else was. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer({ min: -3, max: 100 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const GRADER_TYPE = fc.oneof(
  fc.constantFrom(...GRADER_TYPES),
  fc.constantFrom(...GRADER_TYPES).map((t) => `not-${t}`),
  fc.constantFrom(...INHERITED),
  text,
);
const graderSpec = fc
  .tuple(GRADER_TYPE, fc.dictionary(fc.constantFrom(...VOCABULARY, 'weight', 'required', 'name'), fc.oneof(anyValue, text), { maxKeys: 4 }))
  .map(([type, rest]) => ({ ...rest, type }));

/** A value of schema type `t` most of the time, anything now and then; object keys each present or not. */
export function fromSchema(t: SchemaType, key = ''): fc.Arbitrary<unknown> {
  const typed = ((): fc.Arbitrary<unknown> => {
    switch (t.kind) {
      case 'string':
        return t.enum ? fc.oneof(fc.constantFrom(...t.enum), text) : text;
      case 'integer':
        return fc.integer({ min: -2, max: 20 });
      case 'number':
        return fc.oneof(fc.double({ min: -1, max: 5 }), fc.double());
      case 'boolean':
        return fc.boolean();
      case 'duration':
        return fc.oneof(fc.constantFrom('60s', '500ms', '1m30s', '0s', '1h', 'soon', '-1s'), fc.integer({ min: -1, max: 90 }));
      case 'object': {
        const fields = Object.fromEntries(Object.entries(t.fields).map(([k, f]) => [k, fromSchema(f.type, k)]));
        // Required keys are always written (their values may still be wrong): a missing one stops the walk early.
        const requiredKeys = Object.entries(t.fields)
          .filter(([, f]) => f.required)
          .map(([k]) => k);
        return fc.record(fields, { requiredKeys });
      }
      case 'map':
        return fc.dictionary(text, fromSchema(t.values), { maxKeys: 3 });
      case 'list':
        return fc.array(key === 'graders' ? graderSpec : fromSchema(t.items), { maxLength: 3 });
      case 'union':
        return fc.oneof(...t.options.map((o) => fromSchema(o, key)));
      case 'any':
        return anyValue;
    }
  })();
  return fc.oneof({ arbitrary: typed, weight: 6 }, { arbitrary: anyValue, weight: 1 });
}

/** A whole document shaped by the schema, sometimes with keys it does not know. */
export const schemaShapedDoc = fc
  .tuple(fromSchema(SUITE_SCHEMA), fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 2 }))
  .map(([doc, extra]) => (doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? { ...extra, ...doc } : doc));

/** Pieces of YAML syntax joined at random: indentation, flow collections, anchors, tags, directives, block scalars. */
const TOKENS = [
  'name: x',
  'target:',
  'flow_id: f',
  'dataset:',
  'path: data/d.csv',
  'graders:',
  'load:',
  'variants:',
  'inputs:',
  'type: contains',
  'value: a',
  '\n',
  '\n',
  '\n',
  '  ',
  '  ',
  '    ',
  '- ',
  '? ',
  ': ',
  ':',
  ',',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\\',
  '#c',
  '|',
  '|-',
  '>',
  '>+2',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: *a',
  '!!str ',
  '!!int ',
  '!!binary ',
  '!!map ',
  '!!set ',
  '!t ',
  '!<tag:x> ',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '%YAML 1.1\n---\n',
  '!!timestamp ',
  '!!omap ',
  '!!pairs ',
  '!!float ',
  '2001-12-14t21:59:43.10-05:00',
  '0b101',
  '1_000',
  'aGVsbG8=',
  '%TAG ! tag:x,\n',
  '\t',
  '\r',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\u{1f600}',
  '~',
  'null',
  'true',
  'yes',
  '0x1F',
  '0o17',
  '1e999',
  '-.inf',
  '.nan',
  '12:30:00',
  '2001-12-14',
  '${FUZZ_UNSET}',
  '${FUZZ_SET}',
  '{{question}}',
];
export const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(''));

/** Random documents: strings, token soup, JSON values and schema-shaped values dumped as YAML (block or flow style). */
export const randomYaml: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  tokenSoup,
  fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.boolean()).map(([v, flow]) => dump(v, flow)),
  fc.tuple(schemaShapedDoc, fc.boolean()).map(([v, flow]) => dump(v, flow)),
);

function dump(value: unknown, flow: boolean): string {
  return stringify(value, flow ? { collectionStyle: 'flow' } : {});
}

// ---- mutations of a good suite ----

type Path = (string | number)[];

const CHARS = [
  '\t',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\ufeff',
  '\r',
  '\u2028',
  '\ud800',
  ':',
  ': ',
  '- ',
  '&a ',
  '*a',
  '!!binary ',
  '{',
  '[',
  '"',
  "'",
  '#',
  '|',
  '>',
  '\n',
  '\n  ',
  '%YAML 1.2\n---\n',
  '%YAML 1.1\n---\n',
  '!!set ',
  '!!omap ',
  '!!timestamp ',
  '2001-12-14 ',
  '${FUZZ_UNSET}',
];

export type Mutation =
  | { kind: 'truncate' | 'insert' | 'duplicate-line' | 'delete-line' | 'swap-lines' | 'indent-line'; a: number; b: number; char: string }
  | { kind: 'delete-key' | 'retype' | 'unknown-key' | 'swap-values' | 'misspell-key'; a: number; b: number; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('truncate', 'insert', 'duplicate-line', 'delete-line', 'swap-lines', 'indent-line'),
    a: fc.nat(),
    b: fc.nat(),
    char: fc.constantFrom(...CHARS),
  }),
  fc.record({ kind: fc.constantFrom('delete-key', 'retype', 'unknown-key', 'swap-values', 'misspell-key'), a: fc.nat(), b: fc.nat(), value: anyValue }),
) as fc.Arbitrary<Mutation>;

/** Applies one mutation to a suite's text. A structural one on text that no longer parses leaves it as it is. */
export function mutate(source: string, m: Mutation): string {
  const lines = source.split('\n');
  const line = (n: number) => n % lines.length;
  switch (m.kind) {
    case 'truncate':
      return source.slice(0, m.a % (source.length + 1));
    case 'insert': {
      const at = m.a % (source.length + 1);
      return source.slice(0, at) + m.char + source.slice(at);
    }
    case 'duplicate-line': // a repeated `key:` line is a duplicate key
      return splice(lines, line(m.a), 0, lines[line(m.a)]!);
    case 'delete-line':
      return splice(lines, line(m.a), 1);
    case 'swap-lines': {
      const [i, j] = [line(m.a), line(m.b)];
      const out = [...lines];
      [out[i], out[j]] = [lines[j]!, lines[i]!];
      return out.join('\n');
    }
    case 'indent-line': {
      const l = lines[line(m.a)]!;
      return splice(lines, line(m.a), 1, m.b % 2 === 0 ? `${m.char === '\t' ? '\t' : '  '}${l}` : l.replace(/^ {1,2}/, ''));
    }
    default:
      return mutateValue(source, m);
  }
}

function mutateValue(source: string, m: Extract<Mutation, { value: unknown }>): string {
  let doc: unknown;
  try {
    doc = parse(source, { logLevel: 'error' }); // throws on an error, keeps warnings quiet
  } catch {
    return source;
  }
  const paths = pathsOf(doc, []);
  if (paths.length === 0) return source;
  const at = paths[m.a % paths.length]!;
  const other = paths[m.b % paths.length]!;
  const parent = at.length === 0 ? null : (get(doc, at.slice(0, -1)) as Record<string | number, unknown>);
  const last = at[at.length - 1]!;
  switch (m.kind) {
    case 'delete-key':
      if (parent === null) return '';
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'retype':
      if (parent === null) doc = m.value;
      else parent[last] = m.value;
      break;
    case 'unknown-key': {
      const target = get(doc, at);
      const into = target !== null && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : parent;
      if (into === null || Array.isArray(into)) return source;
      into[`${String(last)}_x`] = m.value;
      break;
    }
    case 'misspell-key': {
      if (parent === null || Array.isArray(parent) || typeof last !== 'string' || last.length < 2) return source;
      parent[last.slice(1) + last[0]] = parent[last];
      delete parent[last];
      break;
    }
    case 'swap-values': {
      if (parent === null || other.length === 0) return source;
      const otherParent = get(doc, other.slice(0, -1)) as Record<string | number, unknown>;
      const otherLast = other[other.length - 1]!;
      // structuredClone: swapping a value into its own subtree must not build a cycle.
      const a = structuredClone(parent[last]);
      const b = structuredClone(otherParent[otherLast]);
      parent[last] = b;
      if (get(doc, other.slice(0, -1)) === otherParent) otherParent[otherLast] = a;
      break;
    }
  }
  return stringify(doc) ?? '';
}

function splice(lines: string[], at: number, remove: number, ...insert: string[]): string {
  const out = [...lines];
  out.splice(at, remove, ...insert);
  return out.join('\n');
}

function pathsOf(v: unknown, at: Path): Path[] {
  if (v === null || typeof v !== 'object') return [at];
  const children = Array.isArray(v) ? v.map((x, i) => pathsOf(x, [...at, i])) : Object.entries(v).map(([k, x]) => pathsOf(x, [...at, k]));
  return [at, ...children.flat()];
}

function get(v: unknown, path: Path): unknown {
  let cur = v;
  for (const p of path) cur = cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string | number, unknown>)[p];
  return cur;
}
