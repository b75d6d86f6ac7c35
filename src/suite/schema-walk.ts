// Validates a parsed suite document against SUITE_SCHEMA: env-expanded plain values out, positions kept by path,
// and every mistake in the document collected (not only the first), each at its line.
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { closestKey, unknownKeyHint } from '../text/closest-key.js';
import { ConfigError } from '../errors/config-error.js';
import { parseDuration } from '../text/duration.js';
import { expandEnv } from './env-expand.js';
import { describeType, type FieldSchema, type SchemaType } from './suite-schema.js';
import { pathLabel, Positions, RefusedPaths, type Path } from './positions.js';
import { isScalarType, reread, takesBlank, type Scalarish } from './schema-scalars.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import type { Walked } from './walked-type.js';

export interface WalkResult<V = Record<string, unknown>> {
  /** The plain value: snake_case keys, defaults filled; a refused value is replaced by its default or left out. */
  value: V;
  where: Positions;
  /** Every mistake, in document order. */
  errors: ConfigError[];
  refused: RefusedPaths;
  /**
   * False when a refusal left a hole later stages would trip on: a required value missing or refused, or a
   * section of the wrong shape. A refused optional scalar (`mode: strem`) leaves its default, so loading goes on.
   */
  complete: boolean;
}

/** Validates the whole document. An empty file, or one that is not a mapping, throws its one ConfigError. */
export function walkSuite<T extends SchemaType>(src: YamlSource, root: T, env: NodeJS.ProcessEnv): WalkResult<Walked<T>> {
  const walker = new Walker(src, env);
  const contents = src.doc.contents as Node | null;
  if (contents === null || walker.isNull(contents)) {
    throw src.error(
      { line: 1, column: 1 },
      'the suite file is empty',
      'start from suites/demo.yaml: a suite needs at least name, target.flow_id and dataset.path',
    );
  }
  // The one place the walked value meets its type: the walker built it by `root`'s rules, which Walked<T>
  // states for the compiler (when `complete` is false, the value has holes and is not normalised).
  const value = walker.walk(contents, root, []) as Walked<T>;
  return { value, where: walker.where, errors: walker.errors, refused: walker.refused, complete: walker.complete };
}

class Walker {
  readonly where = new Positions();
  readonly errors: ConfigError[] = [];
  readonly refused = new RefusedPaths();
  complete = true;

  constructor(
    private readonly src: YamlSource,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  walk(raw: Node, type: SchemaType, path: Path): unknown {
    const node = this.deref(raw);
    if (!this.where.has(path)) this.where.record(path, this.src.pos(node));
    switch (type.kind) {
      case 'object':
        return this.object(node, type, path);
      case 'map':
        return this.map(node, type.values, path, type);
      case 'list':
        return this.list(node, type, path);
      case 'union': {
        const option = type.options.find((o) => this.fits(node, o));
        if (!option) throw this.wrongType(node, type, path);
        return this.walk(node, option, path);
      }
      case 'any':
        return this.any(node, path);
      default:
        return this.scalar(node, type, path);
    }
  }

  /**
   * True for a missing value: `key:` with nothing after it, `~`, `null`, or (unless `type` takes any text,
   * where '' is a real value) an env reference that expanded to blank: `limit: ${LIMIT:-}` means "not set".
   */
  isNull(raw: Node, path: Path = [], type?: SchemaType): boolean {
    const node = this.deref(raw);
    if (!isScalar(node)) return false;
    const v = this.scalarValue(node, path);
    if (v === null) return true;
    return typeof v === 'string' && v.trim() === '' && String(node.value).includes('${') && !takesBlank(type);
  }

  /**
   * Records a refused value and goes on; `err` is what walking it threw. `harmless`: what stands there
   * instead (its default, or nothing) cannot trip a later stage.
   */
  private refuse(err: unknown, path: Path, harmless: boolean): void {
    if (!(err instanceof ConfigError)) throw err;
    this.errors.push(err);
    this.refused.add(path);
    if (!harmless) this.complete = false;
  }

  private object(node: Node, type: Extract<SchemaType, { kind: 'object' }>, path: Path): Record<string, unknown> {
    if (!isMap(node)) throw this.wrongType(node, type, path);
    const out: Record<string, unknown> = {};
    const known = Object.keys(type.fields);
    const refused = new Set<string>();
    for (const { keyNode, key, at, valueNode } of this.entries(node, path)) {
      const field = type.fields[key];
      const fieldType = field?.type ?? type.extra;
      if (!fieldType) {
        // Left out: nothing reads an unknown key, so the checks go on.
        const where = path.length === 0 ? 'at the top level' : `in ${pathLabel(path)}`;
        this.errors.push(this.src.error(this.src.pos(keyNode), `unknown key '${key}' ${where}`, unknownKeyHint(key, known)));
        continue;
      }
      try {
        if (valueNode === null || this.isNull(valueNode, at, fieldType)) continue; // treated as absent: default or required check below
        out[key] = this.walk(valueNode, fieldType, at);
      } catch (err) {
        this.refuse(err, at, field?.required !== true && isScalarType(fieldType));
        refused.add(key);
      }
    }
    return this.fillAbsent(out, type.fields, path, refused);
  }

  /**
   * Gives every key of `fields` missing from `out` its filled value (see fill). A refused key gets only a
   * scalar default: it is not "missing" too, nor is a refused section built again to report its keys missing.
   */
  private fillAbsent(
    out: Record<string, unknown>,
    fields: Record<string, FieldSchema>,
    path: Path,
    refused: ReadonlySet<string> = new Set(),
  ): Record<string, unknown> {
    for (const [key, field] of Object.entries(fields)) {
      if (key in out || (refused.has(key) && (field.required || !isScalarType(field.type)))) continue;
      const filled = this.fill(field, [...path, key]);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }

  /** A mapping's entries, each position recorded for later errors (value's line, or the key's when empty). */
  private *entries(node: YAMLMap, path: Path): Generator<{ keyNode: Node; key: string; at: Path; valueNode: Node | null }> {
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      let key: string;
      try {
        key = this.keyText(keyNode, path);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        this.errors.push(err); // the entry is skipped, like an unknown key
        continue;
      }
      const at = [...path, key];
      const valueNode = pair.value as Node | null;
      this.where.record(at, valueNode ? this.src.pos(this.deref(valueNode)) : this.src.pos(keyNode), this.src.pos(keyNode));
      yield { keyNode, key, at, valueNode };
    }
  }

  /** The value of an absent key: an error when required, its default, or an object built from its fields' defaults. */
  private fill(field: FieldSchema, path: Path): unknown {
    if (field.required) {
      const parent = path.slice(0, -1);
      const where = parent.length === 0 ? 'at the top level' : `in ${pathLabel(parent)}`;
      this.refuse(
        this.src.error(this.where.key(parent), `missing required key '${String(path[path.length - 1])}' ${where}`, `add ${pathLabel(path)}: ${field.doc}`),
        path,
        false,
      );
      return undefined;
    }
    if (field.default !== undefined) {
      if (field.type.kind === 'duration' && typeof field.default === 'string') return parseDuration(field.default);
      return structuredClone(field.default);
    }
    if (field.type.kind === 'object') return this.fillAbsent({}, field.type.fields, path);
    return undefined;
  }

  private map(node: Node, values: SchemaType, path: Path, type: SchemaType): Record<string, unknown> {
    if (!isMap(node)) throw this.wrongType(node, type, path);
    const out: Record<string, unknown> = {};
    for (const { keyNode, key, at, valueNode } of this.entries(node, path)) {
      try {
        if (valueNode === null || this.isNull(valueNode, at, values)) {
          if (values.kind === 'any') {
            out[key] = null;
            continue;
          }
          throw this.src.error(this.src.pos(keyNode), `${pathLabel(at)} has no value`, `give it ${describeType(values)}, or remove the key`);
        }
        out[key] = this.walk(valueNode, values, at);
      } catch (err) {
        this.refuse(err, at, isScalarType(values)); // the entry is left out
      }
    }
    return out;
  }

  private list(node: Node, type: Extract<SchemaType, { kind: 'list' }>, path: Path): unknown[] {
    if (!isSeq(node)) throw this.wrongType(node, type, path);
    if (type.minItems !== undefined && node.items.length < type.minItems) {
      const err = this.src.error(
        this.src.pos(node),
        `${pathLabel(path)} needs at least ${type.minItems} item(s)`,
        `add an item, or remove ${pathLabel(path)} to use the default`,
      );
      this.refuse(err, path, false);
    }
    // A refused item keeps its place (null), so the items after it keep their indices and lines.
    return node.items.map((item, i) => {
      const at = [...path, i];
      const itemNode = item as Node | null;
      try {
        if (itemNode === null || this.isNull(itemNode, at, type.items)) {
          throw this.src.error(
            itemNode ? this.src.pos(itemNode) : this.src.pos(node),
            `${pathLabel(at)} is empty`,
            `write ${describeType(type.items)} here, or remove the "-" line`,
          );
        }
        return this.walk(itemNode, type.items, at);
      } catch (err) {
        this.refuse(err, at, false);
        return null;
      }
    });
  }

  private any(node: Node, path: Path): unknown {
    if (isMap(node)) return this.map(node, { kind: 'any' }, path, { kind: 'any' });
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const at = [...path, i];
        if (item === null) return null;
        this.where.record(at, this.src.pos(this.deref(item as Node)));
        return this.any(this.deref(item as Node), at);
      });
    }
    if (isScalar(node)) return this.scalarValue(node, path);
    return null;
  }

  private scalar(node: Node, type: SchemaType, path: Path): unknown {
    if (!isScalar(node)) throw this.wrongType(node, type, path);
    const v = this.typed(node, type, path);
    const bad = (): never => {
      throw this.wrongType(node, type, path);
    };
    switch (type.kind) {
      case 'string': {
        if (v === null) return bad();
        // A number or boolean where text is expected keeps its source text (`flow_id: 0123` stays "0123").
        const text = typeof v === 'string' ? v : node.source !== undefined && node.source !== '' ? node.source : String(v);
        if (type.enum && !type.enum.includes(text)) {
          const near = closestKey(text, type.enum);
          if (near === null) bad();
          throw this.src.error(
            this.src.pos(node),
            `${pathLabel(path)} must be one of ${type.enum.join(' | ')}, got ${JSON.stringify(text)}`,
            `did you mean ${near}?`,
          );
        }
        if (type.nonEmpty && text.trim() === '') bad();
        return text;
      }
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v) || (type.min !== undefined && v < type.min)) bad();
        return v;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) bad();
        if (type.min !== undefined && (type.exclusiveMin ? (v as number) <= type.min : (v as number) < type.min)) bad();
        return v;
      case 'boolean':
        if (typeof v !== 'boolean') bad();
        return v;
      case 'duration': {
        const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : null;
        if (ms === null || ms <= 0) bad();
        return ms;
      }
      default:
        return bad();
    }
  }

  /** A scalar's value with ${VAR} expanded. */
  private scalarValue(node: Scalar, path: Path): Scalarish {
    const v = node.value;
    if (typeof v !== 'string') return v === undefined ? null : (v as Scalarish);
    const result = expandEnv(v, this.env);
    if (!result.ok) {
      throw this.src.error(
        this.src.pos(node),
        `environment variable ${result.variable} is not set (used by ${pathLabel(path)})`,
        `export ${result.variable}=..., or give a default: \${${result.variable}:-value}`,
      );
    }
    return result.value;
  }

  /**
   * The scalar's value as the expected type would read it: text that came from the environment is re-read
   * as YAML would, so `concurrency: "${CONC:-8}"` is the number 8 (env values are always strings).
   */
  private typed(node: Scalar, type: SchemaType, path: Path): Scalarish {
    const v = this.scalarValue(node, path);
    if (typeof v !== 'string' || !String(node.value).includes('${')) return v;
    if (type.kind === 'integer' || type.kind === 'number' || type.kind === 'boolean') return reread(v);
    return v;
  }

  private fits(raw: Node, type: SchemaType): boolean {
    const node = this.deref(raw);
    switch (type.kind) {
      case 'object':
      case 'map':
        return isMap(node);
      case 'list':
        return isSeq(node);
      case 'any':
        return true;
      case 'union':
        return type.options.some((o) => this.fits(node, o));
      default: {
        if (!isScalar(node)) return false;
        const v = this.typed(node, type, []);
        if (type.kind === 'boolean') return typeof v === 'boolean';
        if (type.kind === 'integer' || type.kind === 'number') return typeof v === 'number';
        return typeof v === 'string' || typeof v === 'number';
      }
    }
  }

  private keyText(keyNode: Node, path: Path): string {
    const node = this.deref(keyNode);
    if (isScalar(node) && node.value !== null && typeof node.value !== 'object') return String(node.value);
    throw this.src.error(this.src.pos(keyNode), `keys in ${pathLabel(path)} must be plain names`, 'write the key as a simple word, e.g. name: value');
  }

  private wrongType(node: Node, type: SchemaType, path: Path): Error {
    const got = isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : isScalar(node) ? JSON.stringify(this.scalarValue(node, path)) : 'something else';
    const key = path.length > 0 ? String(path[path.length - 1]) : '';
    const example = typeof key === 'string' && key !== '' && !/^\d+$/.test(key) ? ` (${key}: ...)` : '';
    const hint =
      path.length === 0
        ? 'a suite is a mapping of keys (name:, target:, dataset:, ...): start from suites/demo.yaml'
        : `change the value to ${describeType(type)}${example}`;
    return this.src.error(this.src.pos(node), `${pathLabel(path)} must be ${describeType(type)}, got ${got}`, hint);
  }

  /** Through YamlSource: Alias.resolve(doc) walks the whole document on every call. */
  private deref(node: Node): Node {
    return this.src.deref(node);
  }
}
