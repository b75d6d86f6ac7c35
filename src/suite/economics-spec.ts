// Normalises the suite's `cost`, `goodput` and `budget` sections and `metadata.server_latency`
// (schema: economics-schema.ts); reads a prices file, naming its line when an entry is wrong.
import { resolve } from 'node:path';
import type { GoodputSpec } from '../metrics/goodput.js';
import type { ModelPrice, PriceTable } from '../metrics/cost.js';
import type { ServerLatencySpec } from '../metrics/server-view.js';
import { ConfigError } from '../errors/config-error.js';
import { YamlSource } from '../yaml/yaml-source.js';
import type { LoadContext } from './load-context.js';
import type { WalkedSuite } from './suite-schema.js';
import type { BudgetSpec, CostSpec } from './types.js';

type MetadataSection = Exclude<WalkedSuite['metadata'], boolean>;

const PRICES_FILE = {
  what: 'prices file',
  pathHint: 'cost.prices_file is relative to the suite file; or put the prices under cost.prices',
  tooBigHint: 'a prices file is a small map of model -> { input_per_mtok, output_per_mtok }',
};

const rawPrice = (p: { input_per_mtok: number; output_per_mtok: number }): ModelPrice => ({ inputPerMtok: p.input_per_mtok, outputPerMtok: p.output_per_mtok });

export function costOf(o: WalkedSuite['cost'], dir: string, ctx: LoadContext): CostSpec | null {
  if (o === null) return null;
  const prices: PriceTable = {};
  if (typeof o.prices_file === 'string') {
    try {
      Object.assign(prices, readPricesFile(resolve(dir, o.prices_file)));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      ctx.errors.push(err);
    }
  }
  for (const [model, p] of Object.entries(o.prices ?? {})) prices[model] = rawPrice(p);
  const expectedTokens: CostSpec['expectedTokens'] = {};
  for (const [model, t] of Object.entries(o.expected_tokens ?? {})) expectedTokens[model] = { input: t.input, output: t.output };
  if (Object.keys(prices).length === 0 && o.prices_file === undefined)
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['cost']),
        'cost has no prices',
        'add cost.prices: { gpt-4o-mini: { input_per_mtok: 0.15, output_per_mtok: 0.6 } } (your prices, dated), or cost.prices_file',
      ),
    );
  return { prices, expectedTokens };
}

/** A price of a prices-file entry: a finite number >= 0, else null. */
function priceOf(entry: unknown, key: string): number | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const v: unknown = Object.getOwnPropertyDescriptor(entry, key)?.value;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** A YAML (or JSON) map model -> { input_per_mtok, output_per_mtok }. Throws a ConfigError at the wrong entry. */
export function readPricesFile(file: string): PriceTable {
  const src = YamlSource.openSync(file, PRICES_FILE);
  const data = src.data();
  const fix = 'write model: { input_per_mtok: 0.15, output_per_mtok: 0.6 } (USD per million tokens)';
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw src.error(src.posOf([]), 'a prices file must be a map of model -> prices', fix);
  const out: PriceTable = {};
  for (const [model, e] of Object.entries(data)) {
    const input = priceOf(e, 'input_per_mtok');
    const output = priceOf(e, 'output_per_mtok');
    if (input === null || output === null)
      throw src.error(src.posOf([model]), `prices of "${model}" need input_per_mtok and output_per_mtok, numbers >= 0`, fix);
    const extra = Object.keys(e).filter((k) => k !== 'input_per_mtok' && k !== 'output_per_mtok');
    if (extra.length > 0) throw src.error(src.posOf([model, extra[0]!]), `unknown key "${extra[0]}" in the prices of "${model}"`, fix);
    out[model] = { inputPerMtok: input, outputPerMtok: output };
  }
  return out;
}

export function goodputOf(o: WalkedSuite['goodput'], ctx: LoadContext): GoodputSpec | null {
  if (o === null) return null;
  const g: GoodputSpec = { ttftMs: o.ttft_ms ?? null, latencyMs: o.latency_ms ?? null, itlP95Ms: o.itl_p95_ms ?? null, requirePass: o.require_pass };
  if (g.ttftMs === null && g.latencyMs === null && g.itlP95Ms === null && !g.requirePass)
    ctx.errors.push(
      ctx.src.error(ctx.where.value(['goodput']), 'goodput names no objective', 'e.g. goodput: { ttft_ms: 800, latency_ms: 4000, require_pass: true }'),
    );
  return g;
}

export function budgetOf(o: WalkedSuite['budget'], ctx: LoadContext): BudgetSpec | null {
  if (o === null) return null;
  const b: BudgetSpec = { maxRuns: o.max_runs ?? null, maxCostUsd: o.max_cost_usd ?? null };
  if (b.maxRuns === null && b.maxCostUsd === null)
    ctx.errors.push(ctx.src.error(ctx.where.value(['budget']), 'budget names no limit', 'e.g. budget: { max_runs: 500, max_cost_usd: 2.5 }'));
  return b;
}

export function serverLatencyOf(o: MetadataSection['server_latency']): ServerLatencySpec | null {
  if (o === null) return null;
  return { path: o.path, unit: o.unit };
}
