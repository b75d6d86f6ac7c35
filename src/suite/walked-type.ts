// The TypeScript type of what the schema walker returns for a schema written `as const`: the walked suite
// typed from SUITE_SCHEMA itself, so the normaliser reads `raw.target.flow_id` as a string without a cast
// and a key renamed in the schema is a compile error where it is read. It follows the walker's rules
// (schema-walk.ts): snake_case keys as written, defaults filled, durations parsed to ms.
import type { FieldSchema, SchemaType } from './suite-schema.js';

/** The plain value the walker produces for one schema type. */
export type Walked<T extends SchemaType> = SchemaType extends T
  ? unknown // a fragment typed only as SchemaType (the load section, built from the registry): read by its own module
  : T extends { kind: 'string'; enum: readonly (infer E)[] }
    ? E
    : T extends { kind: 'string' }
      ? string
      : T extends { kind: 'integer' } | { kind: 'number' } | { kind: 'duration' }
        ? number
        : T extends { kind: 'boolean' }
          ? boolean
          : T extends { kind: 'object'; fields: infer F extends Readonly<Record<string, FieldSchema>> }
            ? WalkedFields<F> & (T extends { extra: SchemaType } ? Record<string, unknown> : unknown)
            : T extends { kind: 'map'; values: infer V extends SchemaType }
              ? Record<string, Walked<V>>
              : T extends { kind: 'list'; items: infer I extends SchemaType }
                ? Walked<I>[]
                : T extends { kind: 'union'; options: readonly (infer O)[] }
                  ? O extends SchemaType
                    ? Walked<O>
                    : never
                  : unknown;

/**
 * A key is always there when it is required, has a default or is an object (a refused required value stops loading
 * before the normaliser runs: WalkResult.complete); `default: null` keeps null; otherwise it may be absent.
 */
type WalkedFields<F extends Readonly<Record<string, FieldSchema>>> = Flat<
  {
    -readonly [K in keyof F as Present<F[K]> extends true ? K : never]: FieldValue<F[K]>;
  } & {
    -readonly [K in keyof F as Present<F[K]> extends true ? never : K]?: FieldValue<F[K]>;
  }
>;

/** One object type instead of an intersection of two (what an editor shows, and what toEqualTypeOf compares). */
type Flat<T> = { [K in keyof T]: T[K] } & {};

type Present<F extends FieldSchema> = F extends { required: true }
  ? true
  : F extends { default: unknown }
    ? true
    : // An absent object without a default is built from its own fields' defaults (FieldSchema.default).
      F['type'] extends { kind: 'object' }
      ? true
      : false;

type FieldValue<F extends FieldSchema> = F extends { default: null } ? Walked<F['type']> | null : Walked<F['type']>;
