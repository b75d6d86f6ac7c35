// The scalar rules of the schema walk (schema-walk.ts): whose refusal the walk can go on past, which take ''
// as a value, and how text from the environment is read back as the YAML value it stands for.
import type { SchemaType } from './suite-schema.js';

export type Scalarish = string | number | boolean | null;

/** Scalars only: refusing one leaves a default or nothing, which no later stage trips on. */
export function isScalarType(t: SchemaType): boolean {
  if (t.kind === 'union') return t.options.every(isScalarType);
  return t.kind !== 'object' && t.kind !== 'map' && t.kind !== 'list' && t.kind !== 'any';
}

/** Types for which an env reference expanding to '' is the value '' rather than "not set". */
export function takesBlank(type: SchemaType | undefined): boolean {
  return type === undefined || type.kind === 'any' || (type.kind === 'string' && !type.nonEmpty && !type.enum);
}

/** How YAML's core schema would read an unquoted scalar's text (null is handled by scalarValue). */
export function reread(text: string): Scalarish {
  const t = text.trim();
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return text;
}
