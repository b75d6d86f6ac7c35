// The one list of suite keys, their types, ranges and defaults (DESIGN §2); the walker validates against it
// and a JSON Schema can be generated from it. Defaults that depend on other keys live in normalise.ts.
import { modelFields } from '../load/registry.js';
import { DURATION_FORMS } from '../text/duration.js';
import { DEFAULT_CHECKPOINT } from './checkpoint-spec.js';
import { ECONOMICS_FIELDS, SERVER_LATENCY_FIELD } from './economics-schema.js';

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

const str = (doc: string, extra: Omit<FieldSchema, 'type' | 'doc'> = {}): FieldSchema => ({ type: { kind: 'string', nonEmpty: true }, doc, ...extra });
const bool = (doc: string, dflt: boolean): FieldSchema => ({ type: { kind: 'boolean' }, default: dflt, doc });
const stringOrNumber: SchemaType = { kind: 'union', options: [{ kind: 'number' }, { kind: 'string' }] };

export const MODES = ['run', 'stream', 'sso-stream'] as const;
export const FEEDBACK_WHEN = ['always', 'pass', 'fail'] as const;
export const DEFAULT_REPORT_DIR = 'reports/{{name}}-{{timestamp}}';
export const DEFAULT_VARIANTS = [{ name: 'published', version: -1 }];

const variant: SchemaType = {
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
};

const grader: SchemaType = {
  kind: 'object',
  fields: { type: str('Grader type; the grade/ registry checks its other keys.', { required: true }) },
  extra: { kind: 'any' },
};

/**
 * The `load:` section: the keys every model shares, and each model's own (src/load/models/, through the
 * registry), so a registered model's keys are known to every suite loaded after it.
 */
function loadSection(): SchemaType {
  // The order the reference and the "known keys here" hints have always listed: the models' own keys
  // after `requests`, except the constant rate, listed before the arrivals it shapes.
  const { rate, ...own } = modelFields();
  return {
    kind: 'object',
    fields: {
      concurrency: { type: { kind: 'integer', min: 1 }, doc: 'Closed loop: requests in flight (default 4). Open loop: the in-flight cap (default 1000).' },
      iterations: {
        type: { kind: 'integer', min: 1 },
        doc: 'Passes over the dataset (default 1; with duration, requests, stages or sweep: cycle rows until they end).',
      },
      duration: { type: { kind: 'duration' }, doc: 'Stop starting new requests after this long.' },
      ...(rate && { rate }),
      arrival: { type: { kind: 'string', enum: ['constant', 'poisson'] }, default: 'constant', doc: 'Open loop arrivals: constant spacing or poisson.' },
      requests: { type: { kind: 'integer', min: 1 }, doc: 'Stop after this many requests (warm-up not counted).' },
      ...own,
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
    },
  };
}

const loadField = (): FieldSchema => ({ doc: 'Load shape.', type: loadSection() });

export const SUITE_SCHEMA: SchemaType = {
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
      required: true,
      doc: 'Rows to run.',
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
};

/** The whole suite's schema with the load models registered now (SUITE_SCHEMA has the built-in ones). */
export function suiteSchema(): SchemaType {
  if (SUITE_SCHEMA.kind !== 'object') return SUITE_SCHEMA;
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
