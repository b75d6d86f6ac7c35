// Where each value of a walked suite sits in its file, looked up by path (e.g. ['variants', 1, 'run_draft']).
import type { Pos } from '../yaml/yaml-source.js';

export type Path = readonly (string | number)[];

/** Where each walked value (and, for mapping members, its key) sits in the suite file. */
export class Positions {
  private readonly values = new Map<string, Pos>();
  private readonly keys = new Map<string, Pos>();

  record(path: Path, value: Pos, key?: Pos): void {
    this.values.set(pathId(path), value);
    if (key) this.keys.set(pathId(path), key);
  }

  has(path: Path): boolean {
    return this.values.has(pathId(path));
  }

  /** Position of the value at `path`, or of its nearest recorded ancestor (for keys filled by defaults). */
  value(path: Path): Pos {
    for (let n = path.length; n >= 0; n--) {
      const pos = this.values.get(pathId(path.slice(0, n)));
      if (pos) return pos;
    }
    return { line: 1, column: 1 };
  }

  /** Position of the key naming `path` (mapping members), else of its value. */
  key(path: Path): Pos {
    return this.keys.get(pathId(path)) ?? this.value(path);
  }
}

/**
 * Paths whose value was refused (a default or nothing stands there now). Later checks ask before judging
 * a value there, so one mistake is not reported again as another (a token from an unset variable as "no token").
 */
export class RefusedPaths {
  private readonly paths: Path[] = [];

  add(path: Path): void {
    this.paths.push([...path]);
  }

  /** True when `path` or a section holding it was refused. */
  has(path: Path): boolean {
    return this.paths.some((p) => p.length <= path.length && p.every((part, i) => part === path[i]));
  }
}

/** "load.concurrency", "variants[1].name": how messages name a place in the suite. */
export function pathLabel(path: Path): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? 'the suite' : out;
}

const pathId = (path: Path): string => path.join('\u0000');
