// Turns the walked suite (snake_case, defaults filled) into the normalised Suite: camelCase, absolute paths.
import { dirname, extname, resolve } from 'node:path';
import { badHeaderValue } from '../stackai/header-values.js';
import { closestKey } from '../text/closest-key.js';
import type { LoadContext } from './load-context.js';
import { loadSpecOf } from './load-spec.js';
import { replayDataset } from '../load/models/replay.js';
import type { LoadSpec } from '../load/registry.js';
import { resilienceOf } from './resilience-spec.js';
import { budgetOf, costOf, goodputOf, serverLatencyOf } from './economics-spec.js';
import { conversationOf } from './conversation-spec.js';
import { CHECKPOINT_FORMS, checkpointMs } from './checkpoint-spec.js';
import type { DatasetSpec, FeedbackSpec, MetadataSpec, MetricsSpec, Suite, VariantSpec } from './types.js';
import type { WalkedSuite } from './suite-schema.js';

/** A section of the walked suite, typed by its schema. */
type Section<K extends keyof WalkedSuite> = NonNullable<WalkedSuite[K]>;

const FORMATS: Record<string, DatasetSpec['format']> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json' };

/**
 * Builds the Suite. Checks that need only one section happen here (dataset format, unique variant names,
 * compare.baseline); checks that command-line overrides can change happen later in checks.ts. Each
 * mistake is added to ctx.errors and a harmless value stands in, so the checks after it still run.
 */
export function normalise(raw: WalkedSuite, ctx: LoadContext): Suite {
  const file = ctx.src.file;
  const dir = dirname(file);
  const { target } = raw;
  const sim = target.simulator;
  const { load } = raw;
  const loadSpec = { ...loadSpecOf(load, ctx), ...resilienceOf(load) };
  const variants = variantsOf(raw.variants, ctx, target.verbose);
  return {
    file,
    dir,
    name: raw.name,
    target: {
      baseUrl: target.base_url.replace(/\/+$/, ''),
      // '' = not given: checks.ts defaults it to `demo` for the simulator and requires it otherwise.
      orgId: target.org_id ?? '',
      flowId: target.flow_id,
      // Without a token key, the conventional variable (named in the "set STACKAI_API_KEY" hint) is used.
      token: target.token ?? ctx.env.STACKAI_API_KEY ?? '',
      headers: headersOf(target.headers, ctx),
      simulator: {
        flows: typeof sim.flows === 'string' ? resolve(dir, sim.flows) : null,
        seed: sim.seed,
      },
    },
    dataset: rowsOf(raw.dataset, loadSpec, dir, ctx),
    mode: raw.mode,
    stream: { ...raw.stream },
    output: raw.output,
    variants,
    repeat: raw.repeat,
    load: loadSpec,
    metadata: metadataOf(raw.metadata, ctx),
    graders: raw.graders,
    passScore: raw.pass_score ?? null,
    maxErrorRate: raw.max_error_rate,
    stopOn: raw.stop_on === null ? null : stopOnOf(raw.stop_on, ctx),
    feedback: feedbackOf(raw.feedback),
    // Left out when absent, so suites without them stay as they were.
    ...optional('cost', costOf(raw.cost, dir, ctx)),
    ...optional('goodput', goodputOf(raw.goodput, ctx)),
    ...optional('budget', budgetOf(raw.budget, ctx)),
    ...optional('metrics', raw.metrics === null ? null : metricsOf(raw.metrics, ctx)),
    thresholds: Object.fromEntries(Object.entries(raw.thresholds).map(([k, v]) => [k, String(v)])),
    compare: compareOf(raw.compare, variants, ctx),
    report: reportOf(raw.report, ctx),
  };
}

function reportOf(report: Section<'report'>, ctx: LoadContext): Suite['report'] {
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
  return { dir: report.dir, checkpointMs: every ?? null };
}

const optional = <K extends string, V>(key: K, v: V | null) => (v === null ? {} : ({ [key]: v } as Record<K, V>));

/** The suite's rows: its dataset, or the trace of a replay (never both: the dataset would never be read). */
function rowsOf(ds: Section<'dataset'> | null, load: LoadSpec, dir: string, ctx: LoadContext): DatasetSpec {
  if (load.kind === 'replay') {
    if (ds !== null)
      ctx.errors.push(
        ctx.src.error(
          ctx.where.key(['dataset']),
          'a suite with load.replay reads its rows from the trace: its dataset section would never be read',
          'remove the dataset section; map trace fields to flow inputs with load.replay.inputs',
        ),
      );
    return replayDataset(load.replay);
  }
  if (ds !== null) return datasetOf(ds, dir, ctx);
  ctx.errors.push(
    ctx.src.error(
      ctx.where.value([]),
      'the suite has no dataset',
      'add dataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }, or replay a trace with load: { replay: { path: trace.jsonl } }',
    ),
  );
  ctx.refused.add(['dataset', 'path']);
  return { path: dir, format: 'csv', inputs: {}, expected: null, limit: null };
}

function datasetOf(ds: Section<'dataset'>, dir: string, ctx: LoadContext): DatasetSpec {
  const path = resolve(dir, ds.path);
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
    inputs: ds.inputs,
    expected: ds.expected ?? null,
    limit: ds.limit ?? null,
    ...conversationOf(ds, ctx),
  };
}

function variantsOf(list: Section<'variants'>, ctx: LoadContext, targetVerbose: boolean | undefined): VariantSpec[] {
  const seen = new Set<string>();
  return list.map((v, i) => {
    const { name } = v;
    if (seen.has(name)) {
      ctx.errors.push(ctx.src.error(ctx.where.value(['variants', i, 'name']), `variant name '${name}' is used twice`, 'give every variant a distinct name'));
    } else ctx.variantIndex.set(name, i);
    seen.add(name);
    const verbose = v.verbose ?? targetVerbose;
    return { name, version: v.version ?? null, runDraft: v.run_draft, ...(verbose !== undefined && { verbose }) };
  });
}

function metadataOf(o: Section<'metadata'>, ctx: LoadContext): MetadataSpec {
  if (typeof o === 'boolean') return { fetch: o, fields: {}, outputTokens: null, inputTokens: null };
  // A token path with an empty step would never resolve, and the tokenizer would stand in for it unnoticed.
  const tokenPath = (key: 'output_tokens' | 'input_tokens'): string | null => {
    const path = o[key];
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
    fields: { ...o.fields },
    outputTokens: tokenPath('output_tokens'),
    inputTokens: tokenPath('input_tokens'),
    ...(serverLatency !== null && { serverLatency }),
  };
}

function feedbackOf(f: Section<'feedback'>): FeedbackSpec {
  return { post: f.post, when: f.when, template: f.template ?? null };
}

function compareOf(c: WalkedSuite['compare'], variants: VariantSpec[], ctx: LoadContext): Suite['compare'] {
  if (c === null) return null;
  const baseline = c.baseline ?? null;
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
    return { baseline: null, failOn: { ...c.fail_on }, alpha: c.alpha };
  }
  return { baseline, failOn: { ...c.fail_on }, alpha: c.alpha };
}

function stopOnOf(o: Section<'stop_on'>, ctx: LoadContext): Suite['stopOn'] {
  const rate = o.error_rate;
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
  return { errorRate: rate, after: o.after };
}

function metricsOf(o: Section<'metrics'>, ctx: LoadContext): MetricsSpec | null {
  const port = o.port ?? null;
  const push = o.push ?? undefined;
  if ((port === null && push === undefined) || (port !== null && port > 65535)) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(port === null ? ['metrics'] : ['metrics', 'port']),
        port === null ? 'metrics needs port (or push)' : `metrics.port must be from 0 to 65535, got ${port}`,
        'e.g. metrics: { port: 9464 } (0 = any free port, printed at the start), or metrics: { push: { url: http://prometheus:9090/api/v1/write } }',
      ),
    );
    return null;
  }
  const url = push === undefined ? null : pushUrlOf(push.url, ctx);
  return {
    port,
    push: push === undefined || url === null ? null : { url, intervalMs: push.interval },
    lingerMs: o.linger ?? 0,
  };
}

/** An http(s) URL without credentials (fetch refuses them, and an error would quote them); null after a mistake. */
function pushUrlOf(text: string, ctx: LoadContext): string | null {
  let u: URL | null = null;
  try {
    u = new URL(text);
  } catch {}
  const why =
    u === null || (u.protocol !== 'http:' && u.protocol !== 'https:')
      ? 'must be an http:// or https:// URL'
      : u.username !== '' || u.password !== ''
        ? 'must not carry credentials (user:password@): no authentication is sent'
        : null;
  if (why === null) return text;
  ctx.errors.push(
    ctx.src.error(
      ctx.where.value(['metrics', 'push', 'url']),
      `metrics.push.url ${why}`,
      'e.g. url: http://prometheus.internal:9090/api/v1/write (a receiver on a private network)',
    ),
  );
  return null;
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
