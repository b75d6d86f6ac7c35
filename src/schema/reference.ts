// Renders docs/suite-reference.md from SUITE_SCHEMA and the grader registry, so the reference cannot drift from the loader.
import { gateMetrics } from '../compare/gates.js';
import { COMMON_KEYS, GRADER_KEYS } from '../grade/registry.js';
import { HARNESS_THRESHOLD_METRICS, THRESHOLD_METRICS } from '../metrics/thresholds.js';
import { DURATION_FORMS } from '../text/duration.js';
import { SUITE_SCHEMA, describeType, type FieldSchema, type SchemaType } from '../suite/suite-schema.js';

type ObjectType = Extract<SchemaType, { kind: 'object' }>;

interface Section {
  title: string;
  note: string;
  type: ObjectType;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

/** The object a field holds, directly, as a list's item, or as one option of a union. */
function objectOf(t: SchemaType): { obj: ObjectType; how: 'direct' | 'item' | 'option' } | null {
  if (t.kind === 'object' && Object.keys(t.fields).length > 0) return { obj: t, how: 'direct' };
  if (t.kind === 'list' && t.items.kind === 'object') return { obj: t.items, how: 'item' };
  if (t.kind === 'union') {
    const o = t.options.find((x): x is ObjectType => x.kind === 'object');
    if (o) return { obj: o, how: 'option' };
  }
  return null;
}

function typeText(t: SchemaType, path: string): string {
  const sub = objectOf(t);
  switch (t.kind) {
    case 'object':
      return sub ? `mapping, see [${path}](#${anchor(path)})` : 'mapping';
    case 'list':
      return sub ? `list of mappings, see [${path}[]](#${anchor(`${path}[]`)})` : `list of ${typeText(t.items, path)}`;
    case 'union':
      return t.options.map((o) => (o.kind === 'object' && sub ? `a mapping (see [${path}](#${anchor(path)}))` : typeText(o, path))).join(', or ');
    case 'duration':
      return 'duration';
    default:
      return describeType(t);
  }
}

function defaultText(f: FieldSchema): string {
  if (f.required) return '**required**';
  if (f.default === null) return 'none';
  if (f.default !== undefined) return code(f.default);
  if (f.type.kind === 'object') return 'from its keys';
  return '—';
}

const anchor = (path: string) => path.toLowerCase().replace(/[^a-z0-9_-]/g, '');

function sections(t: ObjectType, path: string, out: Section[]): void {
  for (const [key, f] of Object.entries(t.fields)) {
    const sub = objectOf(f.type);
    if (!sub || key === 'graders') continue; // graders: their own table, from the registry
    const p = path ? `${path}.${key}` : key;
    const title = sub.how === 'item' ? `${p}[]` : p;
    const note = sub.how === 'item' ? `Each item of \`${p}\`. ${f.doc}` : sub.how === 'option' ? `\`${p}\` written as a mapping. ${f.doc}` : f.doc;
    out.push({ title, note, type: sub.obj });
    sections(sub.obj, title, out);
  }
}

function table(s: Section): string {
  const rows = Object.entries(s.type.fields).map(([key, f]) => {
    const path = s.type === SUITE_SCHEMA ? key : `${s.title}.${key}`;
    return `| \`${key}\` | ${cell(typeText(f.type, path))} | ${cell(defaultText(f))} | ${cell(f.doc)} |`;
  });
  return [`## ${s.title}`, '', s.note, '', '| key | type | default | meaning |', '|---|---|---|---|', ...rows, ''].join('\n');
}

function graderTable(): string {
  const rows = Object.entries(GRADER_KEYS).map(([type, { keys, required }]) => {
    const optional = keys.filter((k) => !required.includes(k));
    return `| \`${type}\` | ${required.map((k) => `\`${k}\``).join(', ') || '—'} | ${optional.map((k) => `\`${k}\``).join(', ') || '—'} |`;
  });
  return [
    '## graders[]',
    '',
    `Each item of \`graders\`: \`type\` names the grader; \`not-<type>\` inverts it. Every grader also takes ${COMMON_KEYS.filter((k) => k !== 'type')
      .map((k) => `\`${k}\``)
      .join(', ')} (see [graders](graders.md) for what each grader and these keys do).`,
    '',
    '| type | required keys | optional keys |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The names `thresholds` and `compare.fail_on` accept, from the modules that evaluate them. */
function metricNames(): string {
  const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  return [
    '## Metric names',
    '',
    '`thresholds` keys (each value `"<op> <number>"`, with `<`, `<=`, `>`, `>=` or `==`; a `%` suffix divides by 100):',
    `${list(THRESHOLD_METRICS)}, and \`<field>_sum\`, \`<field>_mean\`, \`<field>_p50\`, \`<field>_p95\`, \`<field>_max\` for each field named in \`metadata.fields\`.`,
    '',
    "A flow node's time (stream modes, from progress_data; see [per-node timing](nodes.md)): `node_<stat>_ms.<node>` with stat `min`, `mean`, `p50`, `p90`, `p95`, `p99`, `p999` or `max` and the node's name as the flow reports it, e.g. `node_p95_ms.Retrieval`. Any name is accepted; one that no successful stream went through fails its threshold with a note naming the nodes that were seen.",
    '',
    `The harness metrics watch flowbench itself and are one figure for the whole run, which every variant's threshold gets: ${Object.entries(
      HARNESS_THRESHOLD_METRICS,
    )
      .map(([m, d]) => `\`${m}\` is ${d}`)
      .join('; ')}.`,
    '',
    '`compare.fail_on` keys: a metric the comparison tests, then `_increase` or `_decrease` (also `_rise`, `_drop`):',
    `${list(gateMetrics([]).map((m) => m.replace(/_ms$/, '')))}, and \`<field>_mean\`, \`<field>_p50\`, \`<field>_p95\` for metadata fields; e.g. \`pass_rate_drop: 0.02\`, \`ttft_p95_increase: 10%\`, \`latency_p50_increase: 50ms\`. On a flow node's time: \`node_<stat>_increase.<node>\` (or \`_decrease\`), stat \`mean\`, \`p50\`, \`p90\`, \`p95\`, \`p99\` or \`p999\`, e.g. \`node_p50_increase.Retrieval: 100ms\`.`,
    '',
  ].join('\n');
}

export function referenceMarkdown(): string {
  if (SUITE_SCHEMA.kind !== 'object') throw new Error('SUITE_SCHEMA must be an object');
  const all: Section[] = [{ title: 'top level', note: 'The keys of the suite file itself.', type: SUITE_SCHEMA }];
  sections(SUITE_SCHEMA, '', all);
  const topLevel = table(all[0]!).replace(/^## top level/, '## Top level');
  return [
    '# Suite reference',
    '',
    '<!-- Generated by `npm run docs` from src/suite/suite-schema.ts and the grader registry. Do not edit: a test fails when this file is stale. -->',
    '',
    'Every key a flowbench suite accepts, its type, its default and what it means. The same source generates',
    '[`schema/suite.schema.json`](../schema/suite.schema.json): start a suite with',
    '`# yaml-language-server: $schema=../schema/suite.schema.json` (the path relative to the suite; `flowbench init`',
    'writes it) and VS Code (with the YAML extension) and other editors complete and check every key below.',
    '',
    '- Any string may use `${VAR}` or `${VAR:-default}`: it is expanded from the environment first, so',
    '  `concurrency: ${CONC:-8}` is the number 8 when `CONC` is unset. An empty expansion counts as "not set".',
    `- A duration is ${DURATION_FORMS}.`,
    '- A key with no value (`limit:` alone, or `~`) counts as absent: its default applies.',
    '- An unknown key, a wrong type or a missing required key stops the run before any request, naming file and line.',
    '  The loader also checks meanings the schema cannot: the dataset exists and has the columns the templates name,',
    '  threshold metric names, the baseline is a variant, `run_draft` needs a stream mode, grader options.',
    '',
    topLevel,
    ...all.slice(1).map(table),
    graderTable(),
    metricNames(),
  ].join('\n');
}
