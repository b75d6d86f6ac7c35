// The simulator's flows file, read for validation: values by path, and ConfigErrors at the line of the
// path. Reading, size and syntax checks are YamlSource's (the one YAML reader, shared with suites).
import { ConfigError } from '../errors/config-error.js';
import { closestKey } from '../text/closest-key.js';
import { YamlSource, type YamlPath } from '../yaml/yaml-source.js';

export type { YamlPath };

const FLOWS_FILE = {
  what: 'flows file',
  pathHint: 'check the path given to --flows (or target.simulator.flows)',
  tooBigHint: 'check the path given to --flows; answers belong in a CSV (answers: { csv: ... })',
};

export class FlowsYaml {
  readonly file: string;
  private readonly src: YamlSource;

  constructor(file: string) {
    this.file = file;
    this.src = YamlSource.openSync(file, FLOWS_FILE);
  }

  /** The whole document as plain data. */
  data(): unknown {
    return this.src.data();
  }

  /** The 1-based line of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: YamlPath): number {
    return this.src.posOf(path).line;
  }

  /** Throws a ConfigError located at `path`. */
  fail(path: YamlPath, message: string, hint: string): never {
    const where = path.length ? `${path.join('.')}: ` : '';
    const pos = this.src.posOf(path);
    throw new ConfigError(`${where}${message}`, { file: this.file, line: pos.line, column: pos.column }, hint);
  }

  /** Fails on the first key of `obj` not in `known`, naming the closest known key. */
  checkKeys(path: YamlPath, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const near = closestKey(key, known);
      this.fail([...path, key], `unknown key "${key}"`, near ? `did you mean "${near}"? known keys: ${known.join(', ')}` : `known keys: ${known.join(', ')}`);
    }
  }

  object(path: YamlPath, value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, `expected a mapping, got ${describe(value)}`, 'write it as `key: value` lines indented under it');
    }
    return value as Record<string, unknown>;
  }

  string(path: YamlPath, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0) {
      this.fail(path, `expected a non-empty string, got ${describe(value)}`, 'quote the value if it contains special characters');
    }
    return value;
  }

  number(path: YamlPath, value: unknown, opts: { min?: number; max?: number; integer?: boolean; infinite?: boolean } = {}): number {
    const ok =
      typeof value === 'number' &&
      !Number.isNaN(value) &&
      (Number.isFinite(value) || (opts.infinite === true && value > 0)) &&
      (!opts.integer || Number.isInteger(value)) &&
      (opts.min === undefined || value >= opts.min) &&
      (opts.max === undefined || value <= opts.max);
    if (!ok) {
      const range = [opts.min !== undefined ? `>= ${opts.min}` : '', opts.max !== undefined ? `<= ${opts.max}` : ''].filter(Boolean).join(' and ');
      const kind = opts.integer ? 'an integer' : 'a number';
      this.fail(
        path,
        `expected ${kind}${range ? ` ${range}` : ''}, got ${describe(value)}`,
        `write ${kind}${range ? ` ${range}` : ''}${opts.infinite ? ' (or .inf)' : ''}`,
      );
    }
    return value as number;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
