// Generates the suite's JSON Schema (draft-07, what editors read) from SUITE_SCHEMA, the grader registry and the
// threshold and gate names. Nothing here is hand-kept: a key added to suite-schema.ts or a grader family appears.
import { COMMON_KEYS, GRADER_KEYS } from '../grade/registry.js';
import { gateMetrics } from '../compare/gates.js';
import { HARNESS_THRESHOLD_METRICS, isHarnessMetric, THRESHOLD_METRICS } from '../metrics/thresholds.js';
import { SUITE_SCHEMA, type FieldSchema, type SchemaType } from '../suite/suite-schema.js';

export type JsonSchema = { [key: string]: unknown };

/** A `${VAR}` / `${VAR:-default}` reference: the loader expands it first, so any typed key may hold one. */
const ENV_REF: JsonSchema = { $ref: '#/definitions/envRef' };

/** "60s", "500ms", "1m30s", "90" (seconds); at least one non-zero digit, as the loader wants a duration > 0. */
export const DURATION_PATTERN = '^\\s*(?=[^1-9]*[1-9])(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h))+)\\s*$';

/** The whole suite schema, ready to be written as JSON. */
export function suiteJsonSchema(): JsonSchema {
  const graderItem = graderItemType();
  const thresholdMap = SUITE_SCHEMA.kind === 'object' ? SUITE_SCHEMA.fields.thresholds?.type : undefined;
  const compare = SUITE_SCHEMA.kind === 'object' ? SUITE_SCHEMA.fields.compare?.type : undefined;
  const gateMap = compare?.kind === 'object' ? compare.fields.fail_on?.type : undefined;
  const body = convert(SUITE_SCHEMA, (t, hook) => {
    if (t === graderItem) return graderSchema();
    if (t === thresholdMap && t.kind === 'map') return thresholdsSchema(convert(t.values, hook));
    if (t === gateMap && t.kind === 'map') return gatesSchema(convert(t.values, hook));
    return undefined;
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'flowbench suite',
    description:
      'A flowbench suite: which StackAI flow to run, with which dataset, load, graders and thresholds. Generated from src/suite/suite-schema.ts; do not edit by hand.',
    ...body,
    definitions: {
      envRef: {
        type: 'string',
        pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}',
        description: 'An environment reference, ${VAR} or ${VAR:-default}, expanded before the value is checked.',
      },
    },
  };
}

type Hook = (t: SchemaType, hook: Hook) => JsonSchema | undefined;

function convert(t: SchemaType, hook: Hook): JsonSchema {
  const special = hook(t, hook);
  if (special) return special;
  switch (t.kind) {
    case 'string':
      if (t.enum) return { anyOf: [{ enum: [...t.enum] }, ENV_REF] };
      // The loader keeps a number's or boolean's source text where text is expected (`flow_id: 0123`).
      return { type: ['string', 'number', 'boolean'], ...(t.nonEmpty && { pattern: '\\S' }) };
    case 'integer':
      return { anyOf: [{ type: 'integer', ...(t.min !== undefined && { minimum: t.min }) }, ENV_REF] };
    case 'number': {
      const bound = t.min === undefined ? {} : t.exclusiveMin ? { exclusiveMinimum: t.min } : { minimum: t.min };
      return { anyOf: [{ type: 'number', ...bound }, ENV_REF] };
    }
    case 'boolean':
      return { anyOf: [{ type: 'boolean' }, ENV_REF] };
    case 'duration':
      return { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }, ENV_REF] };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(t.fields)) {
        properties[key] = property(field, hook);
        if (field.required) required.push(key);
      }
      return {
        type: 'object',
        properties,
        ...(required.length > 0 && { required }),
        additionalProperties: t.extra ? convert(t.extra, hook) : false,
      };
    }
    case 'map':
      return { type: 'object', additionalProperties: t.values.kind === 'any' ? {} : convert(t.values, hook) };
    case 'list':
      return { type: 'array', items: convert(t.items, hook), ...(t.minItems !== undefined && { minItems: t.minItems }) };
    case 'union':
      return { anyOf: t.options.map((o) => convert(o, hook)) };
    case 'any':
      return {};
  }
}

/** A key's schema with its doc and default; an optional key may also be null (`key:` alone = absent). */
function property(field: FieldSchema, hook: Hook): JsonSchema {
  const s = convert(field.type, hook);
  const out: JsonSchema = { description: field.doc, ...(field.default !== undefined && field.default !== null && { default: field.default }), ...s };
  return field.required ? out : nullable(out);
}

function nullable(s: JsonSchema): JsonSchema {
  if (Array.isArray(s.anyOf)) return { ...s, anyOf: [...(s.anyOf as JsonSchema[]), { type: 'null' }] };
  if (typeof s.type === 'string') return { ...s, type: [s.type, 'null'] };
  if (Array.isArray(s.type)) return { ...s, type: [...(s.type as string[]), 'null'] };
  return s; // {} already takes null
}

const GATE_SUFFIXES = ['increase', 'decrease', 'drop', 'rise'];
/** A flow node's time (metrics/node-metrics.ts, compare/gates.ts): any node name follows the dot. */
const NODE_THRESHOLD = '^node_(min|mean|p50|p90|p95|p99|p999|max)_ms\\..+$';
const NODE_GATE = `^node_(mean|p50|p90|p95|p99|p999)_(${GATE_SUFFIXES.join('|')})\\..+$`;

function thresholdDescription(m: string): string {
  if (isHarnessMetric(m)) return `Threshold on ${m}: ${HARNESS_THRESHOLD_METRICS[m]}, one figure for the run that every variant gets, e.g. "< 50".`;
  return `Threshold on ${m}, e.g. "< 1500" or ">= 0.9".`;
}

/**
 * `thresholds:` keys are the metric names the thresholds stage knows (so editors complete them), plus
 * `<metadata field>_<sum|mean|p50|p95|max>` for the fields named in metadata.fields.
 */
function thresholdsSchema(value: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(THRESHOLD_METRICS.map((m) => [m, { description: thresholdDescription(m), ...value }])),
    propertyNames: { anyOf: [{ enum: [...THRESHOLD_METRICS] }, { pattern: '^.+_(sum|mean|p50|p95|max)$' }, { pattern: NODE_THRESHOLD }] },
    additionalProperties: { description: "Threshold on a metadata field named in metadata.fields, or on a flow node's time (node_p95_ms.<node>).", ...value },
  };
}

/** `compare.fail_on:` keys are `<metric>_increase` / `_decrease` (or `_rise` / `_drop`) for the metrics comparisons test. */
function gatesSchema(value: JsonSchema): JsonSchema {
  const names = gateMetrics([]).flatMap((m) => GATE_SUFFIXES.map((s) => `${m.replace(/_ms$/, '')}_${s}`));
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { description: `Regression gate ${n}, e.g. 0.02, 10% or 50ms.`, ...value }])),
    propertyNames: { anyOf: [{ enum: names }, { pattern: `^.+_(mean|p50|p95)_(${GATE_SUFFIXES.join('|')})$` }, { pattern: NODE_GATE }] },
    additionalProperties: {
      description: "Regression gate on a metadata field named in metadata.fields, or on a flow node's time (node_p95_increase.<node>).",
      ...value,
    },
  };
}

/** The SchemaType of one item of `graders:`, found by shape so a reshaped schema degrades to an open object. */
function graderItemType(): SchemaType | undefined {
  if (SUITE_SCHEMA.kind !== 'object') return undefined;
  const graders = SUITE_SCHEMA.fields.graders?.type;
  return graders?.kind === 'list' ? graders.items : undefined;
}

/** One grader: `type` names a family (or not-family), then only that family's keys (and `weight`) are allowed. */
export function graderSchema(): JsonSchema {
  const families = Object.entries(GRADER_KEYS);
  const types = families.flatMap(([t]) => [t, `not-${t}`]);
  const allKeys = [...new Set(families.flatMap(([, f]) => f.keys))].sort();
  // Keys every grader takes (the registry's COMMON_KEYS); type and weight are typed here, the others left open.
  const common: Record<string, JsonSchema> = {
    ...Object.fromEntries(COMMON_KEYS.map((k) => [k, { description: `Common to every grader: ${k}.` }])),
    type: { description: 'Grader type; prefix not- to invert it.', anyOf: [{ enum: types }, ENV_REF] },
    weight: { description: "The grader's share of the row's score.", default: 1, anyOf: [{ type: 'number', minimum: 0 }, ENV_REF] },
    timeout: {
      description: 'The longest one call of this grader may take: ms, or a duration like "5s" (default 1s; script 10s).',
      anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }, ENV_REF],
    },
  };
  return {
    type: 'object',
    required: ['type'],
    properties: { ...common, ...Object.fromEntries(allKeys.map((k) => [k, {}])) },
    additionalProperties: false,
    allOf: families.map(([t, f]) => ({
      if: { properties: { type: { enum: [t, `not-${t}`] } }, required: ['type'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
      then: {
        properties: Object.fromEntries([...COMMON_KEYS, ...f.keys].map((k) => [k, {}])),
        ...(f.required.length > 0 && { required: [...f.required] }),
        additionalProperties: false,
      },
    })),
  };
}
