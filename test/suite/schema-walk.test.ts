// The schema walker on its own (src/suite/schema-walk.ts), in-process: a small schema of its own, so each
// rule is seen apart from the suite's keys. Plain values out (defaults filled, durations in ms, ${VAR}
// expanded and read as the type wants), every mistake collected at its line, and `complete` false only
// when a refusal left a hole a later stage would trip on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkSuite } from '../../src/suite/schema-walk.js';
import type { SchemaType } from '../../src/suite/suite-schema.js';
import { YamlSource } from '../../src/yaml/yaml-source.js';
import { tempDir } from '../helpers/cli.js';

const KIND = { what: 'suite file', pathHint: 'check the path', tooBigHint: 'make it smaller' };

const SCHEMA = {
  kind: 'object',
  fields: {
    name: { type: { kind: 'string', nonEmpty: true }, required: true, doc: 'The name.' },
    mode: { type: { kind: 'string', enum: ['run', 'stream'] }, default: 'run', doc: 'The mode.' },
    flow_id: { type: { kind: 'string' }, doc: 'A flow.' },
    load: {
      type: {
        kind: 'object',
        fields: {
          concurrency: { type: { kind: 'integer', min: 1 }, default: 4, doc: 'In flight.' },
          rate: { type: { kind: 'number', min: 0, exclusiveMin: true }, doc: 'Per second.' },
          timeout: { type: { kind: 'duration' }, default: '60s', doc: 'Per request.' },
          warm: { type: { kind: 'boolean' }, default: false, doc: 'Warm up.' },
        },
      },
      doc: 'The load.',
    },
    headers: { type: { kind: 'map', values: { kind: 'string' } }, doc: 'Headers.' },
    variants: {
      type: { kind: 'list', items: { kind: 'object', fields: { name: { type: { kind: 'string' }, required: true, doc: 'Its name.' } } }, minItems: 1 },
      doc: 'Variants.',
    },
    warmup: {
      type: {
        kind: 'union',
        options: [
          { kind: 'integer', min: 1 },
          { kind: 'string', nonEmpty: true },
        ],
      },
      doc: 'Count or duration.',
    },
    extra: { type: { kind: 'any' }, doc: 'Anything.' },
  },
} as const satisfies SchemaType;

function walk(text: string, env: NodeJS.ProcessEnv = {}) {
  const file = join(tempDir('flowbench-walk-'), 'suite.yaml');
  writeFileSync(file, text);
  return walkSuite(YamlSource.openSync(file, KIND), SCHEMA, env);
}

const messages = (r: ReturnType<typeof walk>) => r.errors.map((e) => `${e.line}: ${e.message}`);

describe('walkSuite', () => {
  it('a valid document: plain values out, defaults filled (nested objects too), durations in ms, positions by path', () => {
    const r = walk('name: demo\nflow_id: 0123\nload:\n  rate: 2.5\n  timeout: 1500ms\nvariants:\n  - name: a\n  - name: b\nextra: { x: [1, two] }\n');
    expect(r.errors).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.value).toEqual({
      name: 'demo',
      mode: 'run',
      flow_id: '0123', // a number where text is expected keeps its source text
      load: { concurrency: 4, rate: 2.5, timeout: 1500, warm: false },
      variants: [{ name: 'a' }, { name: 'b' }],
      extra: { x: [1, 'two'] },
    });
    expect(r.where.value(['load', 'timeout'])).toEqual({ line: 5, column: 12 });
    expect(r.where.value(['variants', 1, 'name'])).toEqual({ line: 8, column: 11 });
    expect(r.where.key(['load'])).toEqual({ line: 3, column: 1 });
    // A key filled by its default sits at its nearest written ancestor.
    expect(r.where.value(['load', 'concurrency'])).toEqual(r.where.value(['load']));
  });

  it("an absent section is built from its fields' defaults", () => {
    expect(walk('name: x\n').value).toEqual({ name: 'x', mode: 'run', load: { concurrency: 4, timeout: 60_000, warm: false } });
  });

  it('${VAR} is expanded and read as the type wants; an unset one is an error at its line; a blank one is "not set"', () => {
    const ok = walk('name: ${NAME}\nload:\n  concurrency: "${CONC:-8}"\n  warm: ${WARM}\n  rate: ${RATE:-}\n', { NAME: 'from-env', WARM: 'true' });
    expect(ok.errors).toEqual([]);
    expect(ok.value).toMatchObject({ name: 'from-env', load: { concurrency: 8, warm: true } });
    expect(ok.value.load).not.toHaveProperty('rate');

    const unset = walk('name: x\nflow_id: ${FLOW}\n');
    expect(messages(unset)).toEqual(['2: environment variable FLOW is not set (used by flow_id)']);
    expect(unset.errors[0]!.hint).toBe('export FLOW=..., or give a default: ${FLOW:-value}');
  });

  it('collects every mistake in document order, each at its line, with what to do', () => {
    const r = walk(
      [
        'name: x',
        'mode: strem', // 2: enum, with the nearest
        'lode: 3', // 3: unknown key, with the nearest
        'load:',
        '  concurrency: 0', // 5: below min
        '  rate: 0', // 6: not above its exclusive min
        '  timeout: soon', // 7: not a duration
        '  warm: yes please', // 8: not a boolean
        'headers: { a: b, c: }', // 9: a map value without a value
        'variants:',
        '  - name: a',
        '  -', // 12: an empty item
        'warmup: [1]', // 13: no option of the union fits a list
      ].join('\n'),
    );
    expect(messages(r)).toEqual([
      '2: mode must be one of run | stream, got "strem"',
      "3: unknown key 'lode' at the top level",
      '5: load.concurrency must be an integer >= 1, got 0',
      '6: load.rate must be a number > 0, got 0',
      '7: load.timeout must be a duration like 60s, 500ms, 2m, 1h, 1m30s, or a number of seconds, got "soon"',
      '8: load.warm must be true or false, got "yes please"',
      '9: headers.c has no value',
      '12: variants[1] is empty',
      '13: warmup must be an integer >= 1, or a non-empty string, got a list',
    ]);
    expect(r.errors[0]!.hint).toBe('did you mean stream?');
    expect(r.errors[1]!.hint).toMatch(/load/);
    // Each refused path is known, so later checks do not report it again as something else.
    for (const p of [['mode'], ['load', 'concurrency'], ['headers', 'c'], ['variants', 1]]) expect(r.refused.has(p)).toBe(true);
    expect(r.refused.has(['name'])).toBe(false);
    // A refused optional scalar keeps its default; a refused list item keeps its place as null.
    expect(r.value).toMatchObject({
      mode: 'run',
      load: { concurrency: 4, timeout: 60_000, warm: false },
      headers: { a: 'b' },
      variants: [{ name: 'a' }, null],
    });
    expect(r.complete).toBe(false); // the empty variant is a hole
  });

  it('complete: a refused optional scalar leaves its default (true); a missing required key or a wrong-shaped section does not (false)', () => {
    const harmless = walk('name: x\nmode: nope-nothing-like-it\n');
    expect(messages(harmless)).toEqual(['2: mode must be one of run | stream, got "nope-nothing-like-it"']);
    expect(harmless.complete).toBe(true);

    const missing = walk('mode: run\n');
    expect(messages(missing)).toEqual(["1: missing required key 'name' at the top level"]);
    expect(missing.errors[0]!.hint).toBe('add name: The name.');
    expect(missing.complete).toBe(false);

    const shape = walk('name: x\nload: [1, 2]\n');
    expect(messages(shape)).toEqual(['2: load must be a mapping (key: value), got a list']);
    expect(shape.complete).toBe(false);
    expect(shape.value).not.toHaveProperty('load'); // not built again from defaults, to report its keys missing

    const few = walk('name: x\nvariants: []\n');
    expect(messages(few)).toEqual(['2: variants needs at least 1 item(s)']);
    expect(few.complete).toBe(false);
  });

  it('null, ~ and an empty value are absent (default or required check); aliases are followed', () => {
    const r = walk('name: &n shared\nmode: ~\nflow_id:\nvariants:\n  - name: *n\n');
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({ name: 'shared', mode: 'run', variants: [{ name: 'shared' }] });
    expect(r.value).not.toHaveProperty('flow_id');
  });

  it('an empty document, or one that is not a mapping, is one error at line 1', () => {
    expect(() => walk('')).toThrow(/the suite file is empty/);
    expect(() => walk('# nothing\n')).toThrow(/the suite file is empty/);
    expect(() => walk('- a\n- b\n')).toThrow(/^the suite must be a mapping \(key: value\), got a list$/);
    try {
      walk('just text\n');
    } catch (err) {
      expect(err).toMatchObject({ line: 1, column: 1, hint: expect.stringMatching(/start from suites\/demo\.yaml/) });
    }
    expect.assertions(4);
  });
});
