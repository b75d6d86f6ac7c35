// The suite keys of cost, goodput and run budgets (docs/cost.md): schema fragments spread into
// suite-schema.ts. Written `as const` (not typed by FieldSchema) so this file imports nothing from the
// schema it is part of; suite-schema.ts checks them against FieldSchema where it spreads them.

const price = {
  kind: 'object',
  fields: {
    input_per_mtok: { type: { kind: 'number', min: 0 }, required: true, doc: 'USD per million input tokens.' },
    output_per_mtok: { type: { kind: 'number', min: 0 }, required: true, doc: 'USD per million output tokens.' },
  },
} as const;

const tokens = {
  kind: 'object',
  fields: {
    input: { type: { kind: 'number', min: 0 }, default: 0, doc: 'Input tokens per run.' },
    output: { type: { kind: 'number', min: 0 }, default: 0, doc: 'Output tokens per run.' },
  },
} as const;

/** `metadata.server_latency`: where the run metadata gives the server's own latency. */
export const SERVER_LATENCY_FIELD = {
  doc: "The server's own latency of each run, beside the client's (docs/cost.md); default: StackAI's `latency`, in seconds.",
  default: null,
  type: {
    kind: 'object',
    fields: {
      path: { type: { kind: 'string', nonEmpty: true }, default: 'latency', doc: 'Dotted path to the latency in the run metadata.' },
      unit: { type: { kind: 'string', enum: ['s', 'ms'] }, default: 's', doc: 's | ms.' },
    },
  },
} as const;

const objective = (doc: string) => ({ type: { kind: 'number', min: 0 }, doc }) as const;

export const ECONOMICS_FIELDS = {
  cost: {
    doc: 'Prices per model, for cost per result, per variant and per passing answer (docs/cost.md). flowbench ships no prices: give the ones you pay, with their date.',
    default: null,
    type: {
      kind: 'object',
      fields: {
        prices: {
          type: { kind: 'map', values: price },
          doc: 'model id (as llm_usage[].model_id names it) -> { input_per_mtok, output_per_mtok } in USD per million tokens.',
        },
        prices_file: {
          type: { kind: 'string', nonEmpty: true },
          doc: 'A YAML or JSON file of the same map, relative to the suite; `prices` entries win over it.',
        },
        expected_tokens: {
          type: { kind: 'map', values: tokens },
          doc: 'model id -> { input, output } tokens per flow run: what `flowbench plan` and the budget estimate a run with, before any run measured them.',
        },
      },
    },
  },
  goodput: {
    doc: 'Quality-aware goodput: a request counts when it succeeded, met every objective named here and (require_pass) passed its graders (docs/cost.md).',
    default: null,
    type: {
      kind: 'object',
      fields: {
        ttft_ms: objective('Time to first token at most this, ms (a request without a TTFT, in run mode, does not meet it).'),
        latency_ms: objective('Latency at most this, ms.'),
        itl_p95_ms: objective("The p95 of the request's own gaps between content frames at most this, ms."),
        require_pass: { type: { kind: 'boolean' }, default: true, doc: 'Also require the graders to pass the answer.' },
      },
    },
  },
  budget: {
    doc: 'Refuse a run over budget before the first request (exit 2), and stop one that goes over while it runs (exit 1). See `flowbench plan`.',
    default: null,
    type: {
      kind: 'object',
      fields: {
        max_runs: { type: { kind: 'integer', min: 1 }, doc: 'Flow runs (requests to the target flow, warm-up included, over all variants) at most.' },
        max_cost_usd: {
          type: { kind: 'number', min: 0 },
          doc: 'Flow cost at most this, USD (needs cost.prices; the estimate needs cost.expected_tokens or --from).',
        },
      },
    },
  },
} as const;
