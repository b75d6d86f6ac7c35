// JSON graders: is-json, json-schema (ajv, compiled once; a bad schema is refused at load time) and
// json-path (the value at a path exists / equals / contains / matches). `extract: true` finds JSON inside prose.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import { findJson, jsonEqual, parseJsonPath, valueAt } from './json-output.js';
import { checkBoolean, firstProblem, quote, textTemplate, type Spec } from './spec-helpers.js';
import type { CheckEnv, GraderFamily, SpecProblem } from './types.js';

/**
 * ajv and ajv-formats load on the first json-schema grader: every worker thread imports the graders,
 * and loading them costs ~8 MB of memory per thread that most suites never use.
 */
function newAjv(): Ajv {
  const require = createRequire(import.meta.url);
  const { Ajv: AjvClass } = require('ajv') as { Ajv: new (opts: object) => Ajv };
  // ajv-formats is CommonJS with a default export: the plugin is on `.default`.
  const formats = require('ajv-formats') as { default?: unknown };
  const addFormats = (formats.default ?? formats) as (ajv: Ajv) => Ajv;
  return addFormats(new AjvClass({ allErrors: true, strict: false }));
}

export const isJson: GraderFamily = {
  keys: ['extract'],
  required: [],
  check: (spec) => checkBoolean(spec, 'extract'),
  prepare(spec) {
    const extract = spec.extract === true;
    return (ctx) => {
      const found = findJson(ctx.output, extract);
      if (!found.ok) return { pass: false, score: 0, reason: found.reason };
      return { pass: true, score: 1, reason: found.inside ? 'output holds valid JSON inside its text' : 'output is valid JSON' };
    };
  },
};

/** The schema object: inline, or read from a .json file relative to the suite. */
function loadSchema(spec: Spec, env: CheckEnv): { schema: object } | { problem: SpecProblem } {
  const s = spec.schema;
  if (typeof s === 'string') {
    const file = resolve(env.dir, s);
    try {
      return { schema: JSON.parse(readFileSync(file, 'utf8')) as object };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return {
        problem: {
          key: 'schema',
          message: code === 'ENOENT' ? `schema file not found: ${file}` : `cannot read schema file ${file}: ${(err as Error).message}`,
          hint: 'schema: is an inline mapping, or a .json file relative to the suite',
        },
      };
    }
  }
  if (s === null || typeof s !== 'object' || Array.isArray(s))
    return { problem: { key: 'schema', message: '`schema` must be a mapping (a JSON Schema) or a .json file path' } };
  return { schema: s };
}

function compile(schema: object): ValidateFunction {
  return newAjv().compile(schema);
}

export const jsonSchema: GraderFamily = {
  keys: ['schema', 'extract'],
  required: ['schema'],
  check(spec, env) {
    const loaded = loadSchema(spec, env);
    if ('problem' in loaded) return loaded.problem;
    try {
      compile(loaded.schema);
    } catch (err) {
      return { key: 'schema', message: `invalid JSON Schema: ${(err as Error).message}`, hint: 'fix the schema (JSON Schema draft-07 / 2019-09 keywords)' };
    }
    return checkBoolean(spec, 'extract');
  },
  prepare(spec, env) {
    const loaded = loadSchema(spec, env);
    if ('problem' in loaded) throw new Error(loaded.problem?.message); // the loader refused it already
    const validate = compile(loaded.schema);
    const extract = spec.extract === true;
    return (ctx) => {
      const found = findJson(ctx.output, extract);
      if (!found.ok) return { pass: false, score: 0, reason: found.reason };
      if (validate(found.value)) return { pass: true, score: 1, reason: 'output matches the schema' };
      const errs = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
      return { pass: false, score: 0, reason: `output does not match the schema: ${errs.join('; ')}` };
    };
  },
};

const TESTS = ['equals', 'contains', 'matches'] as const;

export const jsonPath: GraderFamily = {
  keys: ['path', 'equals', 'contains', 'matches', 'flags', 'extract'],
  required: ['path'],
  check(spec) {
    if (typeof spec.path !== 'string' || parseJsonPath(spec.path) === null) {
      return { key: 'path', message: `invalid JSON path ${JSON.stringify(spec.path)}`, hint: 'write e.g. $.order.items[0].sku or order.items.0.sku' };
    }
    const given = TESTS.filter((t) => spec[t] !== undefined);
    if (given.length > 1) return { key: given[1]!, message: `use one of ${TESTS.join(' / ')}, not ${given.join(' and ')}` };
    if (spec.contains !== undefined && typeof spec.contains !== 'string' && typeof spec.contains !== 'number')
      return { key: 'contains', message: '`contains` must be a string or a number' };
    if (spec.matches !== undefined) {
      try {
        new RegExp(String(spec.matches), String(spec.flags ?? '').replace(/[gy]/g, ''));
      } catch (err) {
        return { key: 'matches', message: `invalid regular expression: ${(err as Error).message}` };
      }
    }
    return firstProblem(checkBoolean(spec, 'extract'));
  },
  prepare(spec) {
    const path = String(spec.path);
    const steps = parseJsonPath(path)!;
    const extract = spec.extract === true;
    // A string value is a template, compared with the value's text; any other YAML value is compared as JSON.
    const eq = spec.equals === undefined ? null : typeof spec.equals === 'string' ? textTemplate(spec.equals) : null;
    const inc = spec.contains === undefined ? null : textTemplate(spec.contains);
    const re = spec.matches === undefined ? null : new RegExp(String(spec.matches), String(spec.flags ?? '').replace(/[gy]/g, ''));
    return (ctx) => {
      const found = findJson(ctx.output, extract);
      if (!found.ok) return { pass: false, score: 0, reason: found.reason };
      const v = valueAt(found.value, steps);
      if (v === undefined) return { pass: false, score: 0, reason: `no value at ${path}` };
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      let pass = true;
      let what = 'exists';
      if (spec.equals !== undefined) {
        pass = eq ? text === eq(ctx) : jsonEqual(v, spec.equals);
        what = `equals ${quote(eq ? eq(ctx) : JSON.stringify(spec.equals))}`;
      } else if (inc) {
        pass = text.includes(inc(ctx));
        what = `contains ${quote(inc(ctx))}`;
      } else if (re) {
        pass = re.test(text);
        what = `matches /${re.source}/${re.flags}`;
      }
      return { pass, score: pass ? 1 : 0, reason: pass ? `${path} ${what}` : `${path} is ${quote(text, 40)}; wanted: ${what}` };
    };
  },
};
