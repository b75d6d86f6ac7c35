// Turns the walked suite (snake_case, defaults filled) into the normalised Suite: camelCase, absolute paths.
import { dirname, extname, resolve } from 'node:path';
import { badHeaderValue } from '../stackai/header-values.js';
import type { Mode } from '../stackai/types.js';
import { closestKey } from '../text/closest-key.js';
import type { LoadContext } from './load-context.js';
import { loadSpecOf } from './load-spec.js';
import { resilienceOf } from './resilience-spec.js';
import { budgetOf, costOf, goodputOf, serverLatencyOf } from './economics-spec.js';
import { conversationOf } from './conversation-spec.js';
import { CHECKPOINT_FORMS, checkpointMs } from './checkpoint-spec.js';
import type { DatasetSpec, FeedbackSpec, GraderSpec, MetadataSpec, Suite, VariantSpec } from './types.js';

type Obj = Record<string, unknown>;

const FORMATS: Record<string, DatasetSpec['format']> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json' };

/**
 * Builds the Suite. Checks that need only one section happen here (dataset format, unique variant names,
 * compare.baseline); checks that command-line overrides can change happen later in checks.ts. Each
 * mistake is added to ctx.errors and a harmless value stands in, so the checks after it still run.
 */
export function normalise(raw: Obj, ctx: LoadContext): Suite {
  const file = ctx.src.file;
  const dir = dirname(file);
  const target = raw.target as Obj;
  const sim = target.simulator as Obj;
  const load = raw.load as Obj;
  const variants = variantsOf(raw.variants as Obj[], ctx, (raw.target as Obj | undefined)?.verbose as boolean | undefined);
  return {
    file,
    dir,
    name: raw.name as string,
    target: {
      baseUrl: (target.base_url as string).replace(/\/+$/, ''),
      // '' = not given: checks.ts defaults it to `demo` for the simulator and requires it otherwise.
      orgId: (target.org_id as string | undefined) ?? '',
      flowId: target.flow_id as string,
      // Without a token key, the conventional variable (named in the "set STACKAI_API_KEY" hint) is used.
      token: (target.token as string | undefined) ?? ctx.env.STACKAI_API_KEY ?? '',
      headers: headersOf((target.headers as Record<string, string> | undefined) ?? {}, ctx),
      simulator: {
        flows: typeof sim.flows === 'string' ? resolve(dir, sim.flows) : null,
        seed: sim.seed as number,
      },
    },
    dataset: datasetOf(raw.dataset as Obj, dir, ctx),
    mode: raw.mode as Mode,
    stream: { ...(raw.stream as { sse: boolean; delta: boolean; prefix: boolean }) },
    output: raw.output as string,
    variants,
    repeat: raw.repeat as number,
    load: { ...loadSpecOf(load, ctx), ...resilienceOf(load) },
    metadata: metadataOf(raw.metadata, ctx),
    graders: raw.graders as GraderSpec[],
    passScore: (raw.pass_score as number | undefined) ?? null,
    maxErrorRate: raw.max_error_rate as number,
    stopOn: raw.stop_on === null || raw.stop_on === undefined ? null : stopOnOf(raw.stop_on as Obj, ctx),
    feedback: feedbackOf(raw.feedback as Obj),
    // Left out when absent, so suites without them stay as they were.
    ...optional('cost', costOf(raw.cost, dir, ctx)),
    ...optional('goodput', goodputOf(raw.goodput, ctx)),
    ...optional('budget', budgetOf(raw.budget, ctx)),
    thresholds: Object.fromEntries(Object.entries(raw.thresholds as Obj).map(([k, v]) => [k, String(v)])),
    compare: compareOf(raw.compare as Obj | null, variants, ctx),
    report: reportOf(raw.report as Obj, ctx),
  };
}

function reportOf(report: Obj, ctx: LoadContext): Suite['report'] {
  const every = checkpointMs(report.checkpoint);
  if (every === undefined) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['report', 'checkpoint']),
        `report.checkpoint must be ${CHECKPOINT_FORMS}, got ${JSON.stringify(report.checkpoint)}`,
        'write e.g. checkpoint: 60s, or checkpoint: off',
      ),
    );
  }
  return { dir: report.dir as string, checkpointMs: every ?? null };
}

const optional = <K extends string, V>(key: K, v: V | null) => (v === null ? {} : ({ [key]: v } as Record<K, V>));

function datasetOf(ds: Obj, dir: string, ctx: LoadContext): DatasetSpec {
  const path = resolve(dir, ds.path as string);
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['dataset', 'path']),
        `dataset.path must end in .csv, .jsonl or .json: ${path}`,
        'rename the file, or convert it to CSV (header row), JSON Lines (one object per line) or a JSON array of objects',
      ),
    );
    ctx.refused.add(['dataset', 'path']); // not read: checkDataset skips it
  }
  return {
    path,
    format: format ?? 'csv',
    inputs: ds.inputs as Obj,
    expected: (ds.expected as string | undefined) ?? null,
    limit: (ds.limit as number | undefined) ?? null,
    ...conversationOf(ds, ctx),
  };
}

function variantsOf(list: Obj[], ctx: LoadContext, targetVerbose: boolean | undefined): VariantSpec[] {
  const seen = new Set<string>();
  return list.map((v, i) => {
    const name = v.name as string;
    if (seen.has(name)) {
      ctx.errors.push(ctx.src.error(ctx.where.value(['variants', i, 'name']), `variant name '${name}' is used twice`, 'give every variant a distinct name'));
    } else ctx.variantIndex.set(name, i);
    seen.add(name);
    const verbose = (v.verbose as boolean | undefined) ?? targetVerbose;
    return { name, version: (v.version as number | undefined) ?? null, runDraft: v.run_draft === true, ...(verbose !== undefined && { verbose }) };
  });
}

function metadataOf(m: unknown, ctx: LoadContext): MetadataSpec {
  if (typeof m === 'boolean') return { fetch: m, fields: {}, outputTokens: null, inputTokens: null };
  const o = m as Obj;
  // A token path with an empty step would never resolve, and the tokenizer would stand in for it unnoticed.
  const tokenPath = (key: 'output_tokens' | 'input_tokens'): string | null => {
    const path = o[key] as string | undefined;
    if (path === undefined || !path.split('.').includes('')) return path ?? null;
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['metadata', key]),
        `metadata.${key}: '${path}' has an empty step`,
        'write a dotted path into the run metadata, e.g. usage.completion_tokens or llm_usage.0.output_tokens',
      ),
    );
    return null;
  };
  const serverLatency = serverLatencyOf(o.server_latency);
  return {
    fetch: true,
    fields: { ...(o.fields as Record<string, string>) },
    outputTokens: tokenPath('output_tokens'),
    inputTokens: tokenPath('input_tokens'),
    ...(serverLatency !== null && { serverLatency }),
  };
}

function feedbackOf(f: Obj): FeedbackSpec {
  return { post: f.post as boolean, when: f.when as FeedbackSpec['when'], template: (f.template as string | undefined) ?? null };
}

function compareOf(c: Obj | null, variants: VariantSpec[], ctx: LoadContext): Suite['compare'] {
  if (c === null) return null;
  const baseline = (c.baseline as string | undefined) ?? null;
  const names = variants.map((v) => v.name);
  if (baseline !== null && !names.includes(baseline)) {
    const near = closestKey(baseline, names);
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['compare', 'baseline']),
        `compare.baseline '${baseline}' is not a variant`,
        `${near === null ? '' : `did you mean ${near}? `}name one of the variants: ${names.join(', ')}`,
      ),
    );
    return { baseline: null, failOn: { ...(c.fail_on as Record<string, string | number>) }, alpha: c.alpha as number };
  }
  return { baseline, failOn: { ...(c.fail_on as Record<string, string | number>) }, alpha: c.alpha as number };
}

function stopOnOf(o: Obj, ctx: LoadContext): Suite['stopOn'] {
  const rate = o.error_rate as number | undefined;
  if (rate === undefined || rate > 1) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['stop_on']),
        rate === undefined ? 'stop_on needs error_rate' : `stop_on.error_rate must be from 0 to 1, got ${rate}`,
        'e.g. stop_on: { error_rate: 0.5, after: 20 }',
      ),
    );
    return null;
  }
  return { errorRate: rate, after: o.after as number };
}

/** Headers flowbench sets itself: a suite may not replace them (the token has its own key). */
const OWN_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);
/** Headers undici refuses to send: every request would fail with it. */
const UNSENDABLE = new Set(['keep-alive', 'upgrade', 'expect']);

function headersOf(h: Record<string, string>, ctx: LoadContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    const lower = name.toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lower)) {
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['target', 'headers', name]),
          `target.headers: "${name}" is not a valid header name`,
          'use letters, digits and dashes, e.g. X-Team: search',
        ),
      );
      continue;
    }
    if (OWN_HEADERS.has(lower)) {
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['target', 'headers', name]),
          `target.headers: ${lower} is set by flowbench`,
          lower === 'authorization' ? 'put the API key in target.token (e.g. ${STACKAI_API_KEY})' : 'remove it',
        ),
      );
      continue;
    }
    if (UNSENDABLE.has(lower)) {
      ctx.errors.push(
        ctx.src.error(ctx.where.value(['target', 'headers', name]), `target.headers: ${lower} cannot be sent (the HTTP client refuses it)`, 'remove it'),
      );
      continue;
    }
    // A template's own text is checked here; what a row puts in its placeholders, per request. The value is never quoted: it may be a secret.
    const bad = badHeaderValue(value);
    if (bad !== null) {
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['target', 'headers', name]),
          `target.headers: the value of ${lower} ${bad}`,
          'a header value is one line of Latin-1 text: quote it on one line (a YAML block scalar | or > ends in a line break)',
        ),
      );
      continue;
    }
    // Later checks (template columns) find the header by its lower-cased name.
    ctx.where.record(['target', 'headers', lower], ctx.where.value(['target', 'headers', name]));
    out[lower] = value;
  }
  return out;
}
