// The one list of suite keys, their types, ranges and defaults (DESIGN §2); the walker validates against it
// and a JSON Schema can be generated from it. Defaults that depend on other keys live in normalise.ts.
import { modelFields } from '../load/registry.js';
import { DURATION_FORMS } from '../text/duration.js';
import { DEFAULT_CHECKPOINT } from './checkpoint-spec.js';
import { ECONOMICS_FIELDS, SERVER_LATENCY_FIELD } from './economics-schema.js';
import type { Walked } from './walked-type.js';

export type SchemaType =
  | { kind: 'string'; enum?: readonly string[]; nonEmpty?: boolean }
  | { kind: 'integer'; min?: number }
  | { kind: 'number'; min?: number; exclusiveMin?: boolean }
  | { kind: 'boolean' }
  /** "60s" | "500ms" | "2m" | "1h" | seconds as a number; parsed to ms, must be > 0. */
  | { kind: 'duration' }
  /** Listed keys only, unless `extra` types the keys not listed (an open object, e.g. a grader). */
  | { kind: 'object'; fields: Readonly<Record<string, FieldSchema>>; extra?: SchemaType }
  /** Free keys, all values of one type. */
  | { kind: 'map'; values: SchemaType }
  | { kind: 'list'; items: SchemaType; minItems?: number }
  /** The first option whose YAML shape (scalar / map / list) and scalar type fit is used. */
  | { kind: 'union'; options: readonly SchemaType[] }
  /** Any YAML value, strings env-expanded, kept as written. */
  | { kind: 'any' };

export interface FieldSchema {
  type: SchemaType;
  required?: boolean;
  /**
   * Filled in when the key is absent or null (a duration default is written as text, e.g. '60s').
   * An absent object without a default is built from its own fields' defaults; `default: null` keeps it null.
   */
  default?: unknown;
  doc: string;
}

// The helpers keep their literal types (required: true, a default), which the walked suite's type is read
// from (walked-type.ts).
type FieldExtra = Omit<FieldSchema, 'type' | 'doc'>;
function str(doc: string): { type: { kind: 'string'; nonEmpty: true }; doc: string };
function str<const X extends FieldExtra>(doc: string, extra: X): { type: { kind: 'string'; nonEmpty: true }; doc: string } & X;
function str(doc: string, extra: FieldExtra = {}): FieldSchema {
  return { type: { kind: 'string', nonEmpty: true }, doc, ...extra };
}
const bool = (doc: string, dflt: boolean) => ({ type: { kind: 'boolean' }, default: dflt, doc }) as const;
const stringOrNumber = { kind: 'union', options: [{ kind: 'number' }, { kind: 'string' }] } as const satisfies SchemaType;

export const MODES = ['run', 'stream', 'sso-stream'] as const;
export const FEEDBACK_WHEN = ['always', 'pass', 'fail'] as const;
export const DEFAULT_REPORT_DIR = 'reports/{{name}}-{{timestamp}}';

const variant = {
  kind: 'object',
  fields: {
    name: str('Variant name, unique within the suite.', { required: true }),
    version: { type: { kind: 'integer', min: -1 }, doc: 'Flow version; -1 = latest published; absent = not sent.' },
    run_draft: bool('Run the unpublished draft (stream modes only).', false),
    verbose: {
      type: { kind: 'boolean' },
      doc: "Send verbose=true|false with this variant's calls (as StackAI documents it); default: target.verbose, else not sent.",
    },
  },
} as const satisfies SchemaType;

/** A default is not walked: typed as a walked value, so it has every key a walked variant has. */
export const DEFAULT_VARIANTS: Walked<typeof variant>[] = [{ name: 'published', version: -1, run_draft: false }];

const grader = {
  kind: 'object',
  fields: { type: str('Grader type; the grade/ registry checks its other keys.', { required: true }) },
  extra: { kind: 'any' },
} as const satisfies SchemaType;

/** The `load:` keys every model shares (each model's own come from src/load/models/, through the registry). */
const LOAD_SHARED = {
  concurrency: { type: { kind: 'integer', min: 1 }, doc: 'Closed loop: requests in flight (default 4). Open loop: the in-flight cap (default 1000).' },
  iterations: {
    type: { kind: 'integer', min: 1 },
    doc: 'Passes over the dataset (default 1; with duration, requests, stages or sweep: cycle rows until they end).',
  },
  duration: { type: { kind: 'duration' }, doc: 'Stop starting new requests after this long.' },
  arrival: { type: { kind: 'string', enum: ['constant', 'poisson'] }, default: 'constant', doc: 'Open loop arrivals: constant spacing or poisson.' },
  requests: { type: { kind: 'integer', min: 1 }, doc: 'Stop after this many requests (warm-up not counted).' },
  warmup: {
    type: {
      kind: 'union',
      options: [
        { kind: 'integer', min: 1 },
        { kind: 'string', nonEmpty: true },
      ],
    },
    doc: 'Requests (a count) or a duration sent first and excluded from statistics.',
  },
  grace: { type: { kind: 'duration' }, default: '5s', doc: 'After Ctrl-C, how long in-flight requests may finish.' },
  stall_threshold: {
    type: { kind: 'duration' },
    default: '20ms',
    doc: "A gap in a request thread's event loop longer than this is a harness stall: results in flight during one are marked (harnessStallMs).",
  },
  seed: { type: { kind: 'integer', min: 0 }, default: 1, doc: 'Seed of poisson arrivals.' },
  timeout: { type: { kind: 'duration' }, default: '60s', doc: 'Time allowed per request.' },
  retries: { type: { kind: 'integer', min: 0 }, default: 2, doc: 'Retries on 429 / 5xx / connection errors.' },
  connect_timeout: { type: { kind: 'duration' }, default: '10s', doc: 'Time allowed to open a connection (TCP + TLS).' },
  first_byte_timeout: { type: { kind: 'duration' }, default: '30s', doc: 'Stream modes: time allowed from send to the response headers.' },
  idle_timeout: { type: { kind: 'duration' }, default: '30s', doc: 'Time allowed with no frame or keep-alive line once the response began.' },
  retry_partial: { type: { kind: 'boolean' }, default: false, doc: 'Also retry a stream that failed after content began (reset, early end, timeout).' },
} as const satisfies Record<string, FieldSchema>;

/**
 * The `load:` section: the keys every model shares, and each model's own, so a registered model's keys are
 * known to every suite loaded after it. Typed by the shared keys only: each model reads its own through the
 * registry (pickLoadModel), from the same walked object.
 */
function loadSection(): { kind: 'object'; fields: typeof LOAD_SHARED } {
  // The order the reference and the "known keys here" hints have always listed: the models' own keys
  // after `requests`, except the constant rate, listed before the arrivals it shapes.
  const { rate, ...own } = modelFields();
  const { concurrency, iterations, duration, arrival, requests, ...after } = LOAD_SHARED;
  return { kind: 'object', fields: { concurrency, iterations, duration, ...(rate && { rate }), arrival, requests, ...own, ...after } };
}

/** The walked `load:` section's shared keys (durations in ms, defaults filled). */
export type WalkedLoad = Walked<ReturnType<typeof loadSection>>;

const loadField = () => ({ doc: 'Load shape.', type: loadSection() });

export const SUITE_SCHEMA = {
  kind: 'object',
  fields: {
    name: str('Suite name (used in reports).', { required: true }),
    target: {
      doc: 'Where the flow runs.',
      type: {
        kind: 'object',
        fields: {
          base_url: str(
            '"simulator" (embedded StackAI simulator) or an http(s) URL. A credential in it (user:pass@, ?key=) is redacted wherever the URL is shown and warned about: the key goes in token.',
            { default: 'simulator' },
          ),
          org_id: str('Organisation id; required unless base_url is simulator (default demo).'),
          flow_id: str('Flow id.', { required: true }),
          token: {
            type: { kind: 'string' },
            doc: 'API key; default $STACKAI_API_KEY, else empty. 8 characters or more unless base_url is simulator. Never printed: redacted from every report and message.',
          },
          verbose: { type: { kind: 'boolean' }, doc: 'Send verbose=true|false with every run / stream call (a variant may set its own); absent: not sent.' },
          headers: {
            type: { kind: 'map', values: { kind: 'string' } },
            default: {},
            doc: "Extra HTTP headers on every call (${VAR} expands; never printed, secret-looking values redacted). A value may be a template over the row ({{column}}, {{row}}): sent with that row's flow call and metadata fetch only. authorization, content-type, content-length and host are flowbench's own.",
          },
          simulator: {
            doc: 'Embedded simulator settings (base_url: simulator only).',
            type: {
              kind: 'object',
              fields: {
                flows: str('Flows YAML, relative to the suite file; default: the bundled demo flows.'),
                seed: { type: { kind: 'integer', min: 0 }, default: 42, doc: 'Seed for deterministic behaviour.' },
              },
            },
          },
        },
      },
    },
    dataset: {
      // Required unless load.replay names a trace, which is then the rows (normalise.ts says which is missing).
      default: null,
      doc: 'Rows to run (not with load.replay: the trace is the rows).',
      type: {
        kind: 'object',
        fields: {
          path: str('.csv, .jsonl or .json file, relative to the suite file.', { required: true }),
          inputs: { type: { kind: 'map', values: { kind: 'any' } }, default: {}, doc: 'Flow inputs per row; strings are {{column}} / {{row}} templates.' },
          expected: { type: { kind: 'string' }, doc: 'Template for the expected answer ({{expected}} in graders).' },
          limit: { type: { kind: 'integer', min: 1 }, doc: 'Read at most this many rows.' },
          conversation: str(
            "Multi-turn: the column (or {{template}}) naming the conversation a row belongs to; its rows must be consecutive. With `turns`: the id of each row's conversation (default: its row index).",
          ),
          turn: str("Multi-turn: the column holding a row's 1-based turn number (default: file order within the conversation)."),
          turns: str('Multi-turn (JSONL / JSON): the column holding a list of turn objects, one conversation per row.'),
        },
      },
    },
    mode: { type: { kind: 'string', enum: MODES }, default: 'stream', doc: 'Endpoint: run | stream | sso-stream.' },
    stream: {
      doc: 'Stream endpoint flags.',
      type: {
        kind: 'object',
        fields: {
          sse: bool('Ask for SSE framing.', false),
          delta: bool('Outputs arrive as increments.', true),
          prefix: bool('Pass prefix=true through.', false),
        },
      },
    },
    output: str('The output key that is "the answer".', { default: 'out-0' }),
    variants: { type: { kind: 'list', items: variant, minItems: 1 }, default: DEFAULT_VARIANTS, doc: 'Flow versions to run, each over every row.' },
    repeat: {
      type: { kind: 'integer', min: 1 },
      default: 1,
      doc: "Runs every row this many times per variant, the repeats of a row planned next to each other (interleaved like variants). Above 1: per-row pass counts, pass@1, pass^N, consistency and flaky rows per variant; comparisons cluster a row's repeats (n = rows). Each pass of `load.iterations` repeats every row again.",
    },
    load: loadField(),
    metadata: {
      doc: 'true/false, or { fields: {name: dotted.path}, output_tokens: dotted.path, input_tokens: dotted.path } (fetch the run metadata, aggregate those paths, read token usage there).',
      default: false,
      type: {
        kind: 'union',
        options: [
          { kind: 'boolean' },
          {
            kind: 'object',
            fields: {
              fields: { type: { kind: 'map', values: { kind: 'string', nonEmpty: true } }, default: {}, doc: 'name -> dotted path.' },
              output_tokens: str(
                'Dotted path to the output tokens the server reports (e.g. usage.completion_tokens); where a run lacks it: llm_usage[].output_tokens summed, else the o200k tokenizer counts the output.',
              ),
              input_tokens: str(
                'Dotted path to the input tokens the server reports (e.g. usage.prompt_tokens); where a run lacks it: llm_usage[].input_tokens summed, else none.',
              ),
              server_latency: SERVER_LATENCY_FIELD,
            },
          },
        ],
      },
    },
    graders: { type: { kind: 'list', items: grader }, default: [], doc: 'Graders applied to every output.' },
    pass_score: {
      type: { kind: 'number', min: 0 },
      doc: 'A row passes when its weighted score >= this (and its required graders pass); default: every grader must pass.',
    },
    max_error_rate: {
      type: { kind: 'number', min: 0 },
      default: 0.5,
      doc: 'Unless the suite has an error_rate threshold: a variant whose error rate is above this fails the run (a run where every request failed never passes). A graded run: also its grader error rate, unless the suite has a grader_error_rate threshold. 0..1.',
    },
    feedback: {
      doc: 'Post each grade back to StackAI.',
      type: {
        kind: 'object',
        fields: {
          post: bool('Post feedback.', false),
          when: { type: { kind: 'string', enum: FEEDBACK_WHEN }, default: 'always', doc: 'always | pass | fail.' },
          template: { type: { kind: 'string' }, doc: 'Feedback text template.' },
        },
      },
    },
    thresholds: { type: { kind: 'map', values: stringOrNumber }, default: {}, doc: 'metric -> expression, e.g. "< 1500".' },
    stop_on: {
      doc: "Stop sending (exit 1) once errors pass a limit, like GuideLLM's error constraints: every request is a billable run.",
      default: null,
      type: {
        kind: 'object',
        fields: {
          error_rate: { type: { kind: 'number', min: 0 }, doc: 'Stop when more than this share (0..1) of the measured requests so far failed.' },
          after: { type: { kind: 'integer', min: 1 }, default: 20, doc: 'Judge the error rate only once this many measured requests have finished.' },
        },
      },
    },
    metrics: {
      doc: 'Serve live Prometheus metrics (text format) on 127.0.0.1:<port>/metrics for the length of the run (docs/live-metrics.md).',
      default: null,
      type: {
        kind: 'object',
        fields: {
          port: {
            type: { kind: 'integer', min: 0 },
            doc: 'TCP port on 127.0.0.1 (this or push is required); 0 = a free port, printed at the start. --metrics-port wins.',
          },
          push: {
            doc: 'Push mode, for runners nothing can scrape: send the same figures as Prometheus remote write (protobuf, snappy) every interval, and once more at the end.',
            default: null,
            type: {
              kind: 'object',
              fields: {
                url: str('Remote-write receiver, e.g. http://prometheus:9090/api/v1/write (Prometheus with --web.enable-remote-write-receiver).', {
                  required: true,
                }),
                interval: { type: { kind: 'duration' }, default: '5s', doc: 'Time between pushes.' },
              },
            },
          },
          linger: {
            type: { kind: 'duration' },
            doc: 'After the run, keep the endpoint up until one more scrape has read the final figures, at most this long (your scrape interval or more); absent: it closes at once.',
          },
        },
      },
    },
    ...(ECONOMICS_FIELDS satisfies Record<string, FieldSchema>),
    compare: {
      doc: 'Variants vs a baseline variant.',
      default: null,
      type: {
        kind: 'object',
        fields: {
          baseline: str('Name of the baseline variant.'),
          fail_on: {
            type: { kind: 'map', values: stringOrNumber },
            default: {},
            doc: 'Regression gates: <metric>_increase / _decrease: limit (e.g. pass_rate_drop: 0.02, ttft_p95_increase: 10%).',
          },
          alpha: { type: { kind: 'number', min: 0, exclusiveMin: true }, default: 0.05, doc: 'Significance level of the gates; intervals are at 1 - alpha.' },
        },
      },
    },
    report: {
      doc: 'Where reports go.',
      type: {
        kind: 'object',
        fields: {
          dir: str(
            "Report folder template: {{name}}, {{timestamp}} (each one folder name). Relative to the working folder, and must stay inside it or the suite's folder unless absolute.",
            { default: DEFAULT_REPORT_DIR },
          ),
          checkpoint: {
            type: stringOrNumber,
            default: DEFAULT_CHECKPOINT,
            doc: 'During a run, rewrite report.json (marked partial) and summary.md this often, each by an atomic rename, so a killed run leaves a readable report (docs/long-runs.md). A duration; 0 or off: none.',
          },
        },
      },
    },
  },
} as const satisfies SchemaType;

/** The walked suite, as the normaliser receives it. */
export type WalkedSuite = Walked<typeof SUITE_SCHEMA>;

/** The whole suite's schema with the load models registered now (SUITE_SCHEMA has the built-in ones). */
export function suiteSchema(): typeof SUITE_SCHEMA {
  return { ...SUITE_SCHEMA, fields: { ...SUITE_SCHEMA.fields, load: loadField() } };
}

/** "an integer >= 1", "one of run | stream | sso-stream", …: what an error message says was expected. */
export function describeType(t: SchemaType): string {
  switch (t.kind) {
    case 'string':
      return t.enum ? `one of ${t.enum.join(' | ')}` : t.nonEmpty ? 'a non-empty string' : 'a string';
    case 'integer':
      return t.min === undefined ? 'an integer' : `an integer >= ${t.min}`;
    case 'number':
      return t.min === undefined ? 'a number' : `a number ${t.exclusiveMin ? '>' : '>='} ${t.min}`;
    case 'boolean':
      return 'true or false';
    case 'duration':
      return DURATION_FORMS;
    case 'object':
      return 'a mapping (key: value)';
    case 'map':
      return `a mapping of names to ${describeType(t.values)}`;
    case 'list':
      return 'a list';
    case 'union':
      return t.options.map(describeType).join(', or ');
    case 'any':
      return 'any value';
  }
}
