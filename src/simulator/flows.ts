// Simulated flows as data: loads and validates a flows YAML file into the model the server runs.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadAnswers, type AnswerSource } from './answers.js';
import { FAULT_KEYS, loadFaults, type FaultModel } from './faults.js';
import { FlowsYaml, type YamlPath } from './flows-yaml.js';
import { loadMemory, type MemoryModel } from './conversation-memory.js';
import { loadNodes, type FlowNodes } from './flow-nodes.js';

export type { FaultModel } from './faults.js';

/** When frames are sent, in ms from the moment the request arrived. */
export interface LatencyModel {
  /** Progress-only frames are sent from 0 until min(progressMs, ttftMs). */
  progressMs: number;
  progressIntervalMs: number;
  /** First content frame. */
  ttftMs: number;
  /** Content pace; a word counts as 1.3 tokens. Infinity = no pacing. */
  tokensPerS: number;
  /** Relative jitter applied to every delay (0 = exactly deterministic timing). */
  jitter: number;
  wordsPerFrame: number;
  /** The nodes a stream walks through (`nodes:`), the first content at the sum of their times; null: the fixed default walk. */
  nodes?: FlowNodes | null;
}

/** One published version, or the draft. */
export interface VariantModel {
  /** "v3" or "draft": part of every random key. */
  label: string;
  /** Probability that the answer is correct. */
  quality: number;
  latency: LatencyModel;
  faults: FaultModel;
  /** Reported in metadata llm_usage. */
  model: string;
  /** Other LLM calls each run makes (a router, a guard): model -> tokens, reported in llm_usage after the answer's. */
  extraUsage?: ExtraUsage[];
}

export interface ExtraUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export interface FlowDef {
  id: string;
  inputKey: string;
  outputKey: string;
  answers: AnswerSource;
  versions: Map<number, VariantModel>;
  /** The version that `version=-1` resolves to. */
  published: number;
  draft: VariantModel;
  /** Remembers conversations by user_id (`memory:`), or null. */
  memory?: MemoryModel | null;
}

export interface FlowsConfig {
  /** Absolute path of the flows file. */
  file: string;
  seed: number;
  flows: Map<string, FlowDef>;
}

export interface ResolvedVariant {
  version: number;
  draft: boolean;
  model: VariantModel;
}

const TOP_KEYS = ['seed', 'flows'];
const FLOW_KEYS = ['description', 'input', 'output', 'answers', 'published', 'defaults', 'versions', 'draft', 'memory'];
const MODEL_KEYS = [
  'quality',
  'progress_ms',
  'progress_interval_ms',
  'ttft_ms',
  'tokens_per_s',
  'jitter',
  'words_per_frame',
  'model',
  'extra_usage',
  'nodes',
  ...Object.keys(FAULT_KEYS),
];

/** The files a parse read, each with what it was then (mtime and size): the flows file and its answer CSVs. */
type Read = { file: string; stamp: string }[];
const stampOf = (file: string): string => {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'unreadable';
  }
};
const parsed = new Map<string, { read: Read; config: FlowsConfig }>();

/**
 * loadFlows, once per process while the files it read are unchanged: the suite's check and the embedded
 * simulator's start read the same file, and a process that starts many runs (a library caller, the
 * tests) parses it once. The result is shared: read it, or hand a copy to a thread; never change it.
 */
export function loadFlowsShared(file: string, opts: { seed?: number } = {}): FlowsConfig {
  const key = `${resolve(file)}\0${opts.seed ?? ''}`;
  const kept = parsed.get(key);
  if (kept !== undefined && kept.read.every((r) => stampOf(r.file) === r.stamp)) return kept.config;
  const before = stampOf(resolve(file));
  const config = loadFlows(file, opts);
  const csvs = [...config.flows.values()].flatMap((f) => (f.answers.kind === 'csv' ? [f.answers.file] : []));
  parsed.set(key, { read: [{ file: config.file, stamp: before }, ...csvs.map((c) => ({ file: c, stamp: stampOf(c) }))], config });
  return config;
}

/** Loads a flows file. `seed` overrides the file's seed. Throws ConfigError on bad input. */
export function loadFlows(file: string, opts: { seed?: number } = {}): FlowsConfig {
  const abs = resolve(file);
  const src = new FlowsYaml(abs);
  const top = src.object([], src.data());
  src.checkKeys([], top, TOP_KEYS);
  const seed = opts.seed ?? (top.seed === undefined ? 1 : src.number(['seed'], top.seed, { integer: true }));
  const rawFlows = src.object(['flows'], top.flows);
  const flows = new Map<string, FlowDef>();
  for (const [id, raw] of Object.entries(rawFlows)) flows.set(id, loadFlow(src, id, raw, dirname(abs)));
  if (flows.size === 0) src.fail(['flows'], 'no flows defined', 'define at least one flow under `flows:`');
  return { file: abs, seed, flows };
}

function loadFlow(src: FlowsYaml, id: string, raw: unknown, baseDir: string): FlowDef {
  const path = ['flows', id];
  const obj = src.object(path, raw);
  src.checkKeys(path, obj, FLOW_KEYS);
  const inputKey = obj.input === undefined ? 'in-0' : src.string([...path, 'input'], obj.input);
  const outputKey = obj.output === undefined ? 'out-0' : src.string([...path, 'output'], obj.output);
  if (obj.answers === undefined) src.fail(path, 'missing `answers`', 'add `answers: echo`, or `answers: { csv: file.csv, question: col, answer: col }`');
  const answers = loadAnswers(src, [...path, 'answers'], obj.answers, baseDir);
  const defaults = obj.defaults === undefined ? {} : src.object([...path, 'defaults'], obj.defaults);
  src.checkKeys([...path, 'defaults'], defaults, MODEL_KEYS);

  const rawVersions = src.object([...path, 'versions'], obj.versions);
  const versions = new Map<number, VariantModel>();
  for (const [key, value] of Object.entries(rawVersions)) {
    const n = Number(key);
    if (!Number.isInteger(n) || n < 1) src.fail([...path, 'versions', key], `version "${key}" is not a positive integer`, 'number versions 1, 2, 3, ...');
    versions.set(n, loadModel(src, [...path, 'versions', key], value, defaults, `v${n}`));
  }
  if (versions.size === 0) src.fail([...path, 'versions'], 'no versions defined', 'define at least version 1');
  const highest = Math.max(...versions.keys());
  const published = obj.published === undefined ? highest : src.number([...path, 'published'], obj.published, { integer: true, min: 1 });
  if (!versions.has(published)) src.fail([...path, 'published'], `version ${published} is not defined`, `use one of: ${[...versions.keys()].join(', ')}`);
  // A flow nobody is editing runs its published version as the draft.
  const draft = obj.draft === undefined ? { ...versions.get(published)!, label: 'draft' } : loadModel(src, [...path, 'draft'], obj.draft, defaults, 'draft');
  return { id, inputKey, outputKey, answers, versions, published, draft, memory: loadMemory(src, [...path, 'memory'], obj.memory) };
}

function loadModel(src: FlowsYaml, path: YamlPath, raw: unknown, defaults: Record<string, unknown>, label: string): VariantModel {
  const own = src.object(path, raw);
  src.checkKeys(path, own, MODEL_KEYS);
  const merged: Record<string, unknown> = { ...defaults, ...own };
  // Errors point at the version's own key when it has one, else at the flow's defaults.
  const at = (key: string): YamlPath => (key in own ? [...path, key] : [...path.slice(0, -2), 'defaults', key]);
  const need = (key: string): unknown => {
    if (merged[key] === undefined) src.fail(path, `missing \`${key}\``, `set ${key} here or in the flow's defaults`);
    return merged[key];
  };
  const opt = (key: string, dflt: number, o: Parameters<FlowsYaml['number']>[2]): number =>
    merged[key] === undefined ? dflt : src.number(at(key), merged[key], o);

  const nodes = merged.nodes === undefined ? null : loadNodes(src, at('nodes'), merged.nodes);
  const ttftMs = nodes === null ? src.number(at('ttft_ms'), need('ttft_ms'), { min: 0 }) : nodeTtft(src, at, merged, nodes);
  const latency: LatencyModel = {
    ttftMs,
    nodes,
    progressMs: nodes === null ? opt('progress_ms', ttftMs, { min: 0 }) : ttftMs,
    progressIntervalMs: opt('progress_interval_ms', 100, { min: 1 }),
    tokensPerS: src.number(at('tokens_per_s'), need('tokens_per_s'), { min: 0.001, infinite: true }),
    jitter: opt('jitter', 0, { min: 0, max: 1 }),
    wordsPerFrame: opt('words_per_frame', 1, { min: 1, integer: true }),
  };
  return {
    label,
    quality: src.number(at('quality'), need('quality'), { min: 0, max: 1 }),
    latency,
    faults: loadFaults(src, merged, at, path),
    model: merged.model === undefined ? 'gpt-4o-mini' : src.string(at('model'), merged.model),
    extraUsage: merged.extra_usage === undefined ? [] : extraUsageOf(src, at('extra_usage'), merged.extra_usage),
  };
}

function extraUsageOf(src: FlowsYaml, path: YamlPath, raw: unknown): ExtraUsage[] {
  return Object.entries(src.object(path, raw)).map(([model, t]) => {
    const o = src.object([...path, model], t);
    src.checkKeys([...path, model], o, ['input_tokens', 'output_tokens']);
    const count = (k: string) => (o[k] === undefined ? 0 : src.number([...path, model, k], o[k], { min: 0, integer: true }));
    return { model, inputTokens: count('input_tokens'), outputTokens: count('output_tokens') };
  });
}

/** With a node list the first content comes at the sum of the node times: a ttft_ms or progress_ms beside it must not say otherwise. */
function nodeTtft(src: FlowsYaml, at: (key: string) => YamlPath, merged: Record<string, unknown>, nodes: FlowNodes): number {
  if (merged.progress_ms !== undefined) {
    src.fail(at('progress_ms'), 'progress_ms does not apply with `nodes`', 'remove it: progress frames are sent while the nodes before the last one run');
  }
  if (merged.ttft_ms !== undefined && src.number(at('ttft_ms'), merged.ttft_ms, { min: 0 }) !== nodes.firstContentMs) {
    src.fail(
      at('ttft_ms'),
      `ttft_ms ${String(merged.ttft_ms)} is not the sum of the node times (${nodes.firstContentMs})`,
      'remove ttft_ms: with `nodes` the first content comes at the sum of their ms',
    );
  }
  return nodes.firstContentMs;
}
