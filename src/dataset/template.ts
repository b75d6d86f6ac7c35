// {{column}} / {{row}} / {{expected}} templates over dataset rows: compiled once, rendered per row.

export interface TemplateContext {
  /** 0-based data row index. */
  row: number;
  values: Record<string, unknown>;
  /** The row's rendered expected answer, when the suite has one. */
  expected?: string;
}

export interface CompiledTemplate {
  /** Dataset columns the template names (not the reserved `row` / `expected`), in order of first use. */
  columns: string[];
  /** Every placeholder name, reserved ones included (the loader checks `expected` has a source). */
  names: string[];
  render(ctx: TemplateContext): unknown;
}

/** Names a template may use that are not dataset columns. */
export const RESERVED_NAMES: readonly string[] = ['row', 'expected'];

// `{{ name }}`: any name without braces; spaces around it are ignored, inside it they are kept ("user question").
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

type Part = { text: string } | { name: string };

export function compileTemplate(text: string): CompiledTemplate {
  const parts: Part[] = [];
  const columns: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    if (name === '') continue; // "{{}}" is text, not a placeholder
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ name });
    if (!names.includes(name)) names.push(name);
    if (!RESERVED_NAMES.includes(name) && !columns.includes(name)) columns.push(name);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });

  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && 'name' in only) {
    // A lone placeholder passes the raw value through: a JSON dataset's number, boolean or list keeps its type.
    const name = only.name;
    return { columns, names, render: (ctx) => lookup(name, ctx) };
  }
  if (parts.every((p) => 'text' in p)) return { columns, names, render: () => text };
  return {
    columns,
    names,
    render(ctx) {
      let out = '';
      for (const part of parts) out += 'text' in part ? part.text : stringify(lookup(part.name, ctx));
      return out;
    },
  };
}

function lookup(name: string, ctx: TemplateContext): unknown {
  if (name === 'row') return ctx.row;
  if (name === 'expected' && ctx.expected !== undefined) return ctx.expected;
  const v = ctx.values[name];
  // A JSONL record without the key renders as empty, like an empty CSV cell.
  return v === undefined ? '' : v;
}

/** A rendered value as text, as a placeholder inside longer text becomes (header values need text). */
export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// One compiled set per inputs object (the suite's, fixed for a run); dropped with it.
const cache = new WeakMap<Record<string, unknown>, Map<string, CompiledTemplate>>();

/** Renders a suite's `dataset.inputs` for one row: string values are templates, other values pass through. */
export function renderInputs(inputs: Record<string, unknown>, ctx: TemplateContext): Record<string, unknown> {
  let compiled = cache.get(inputs);
  if (!compiled) {
    compiled = new Map();
    for (const [key, value] of Object.entries(inputs)) {
      if (typeof value === 'string') compiled.set(key, compileTemplate(value));
    }
    cache.set(inputs, compiled);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    const template = compiled.get(key);
    const rendered = template ? template.render(ctx) : value;
    if (key === SPREAD_KEY && isRecord(rendered)) Object.assign(out, rendered);
    else out[key] = rendered;
  }
  return out;
}

/**
 * An inputs key whose value, when it renders to an object (a lone `{{inputs}}` over a JSONL column holding
 * one), spreads into the inputs: a replayed trace's rows send their recorded `inputs` as they are.
 */
export const SPREAD_KEY = '...';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
