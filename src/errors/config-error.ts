// A mistake in the user's input (suite, dataset, command line): exit code 2, never a stack trace.
import { relative, sep } from 'node:path';

export interface ConfigErrorLocation {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

export class ConfigError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** What the user should do about it. */
  readonly hint: string | undefined;

  constructor(message: string, where: ConfigErrorLocation = {}, hint?: string) {
    super(message);
    this.name = 'ConfigError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.hint = hint;
  }

  /** "file:line:col: message\n  fix: hint" — the form every bad-input message takes. */
  format(): string {
    let where = '';
    if (this.file) {
      where = shownPath(this.file);
      if (this.line !== undefined) where += `:${this.line}`;
      if (this.line !== undefined && this.column !== undefined) where += `:${this.column}`;
      where += ': ';
    }
    return `${where}${this.message}${this.hint ? `\n  fix: ${this.hint}` : ''}`;
  }
}

/**
 * Every mistake one pass over a suite found (two or more; one is thrown as itself), in file order.
 * It is a ConfigError located at the first, so every handler of one (exit 2) handles them all.
 */
export class ConfigErrors extends ConfigError {
  constructor(
    readonly errors: readonly ConfigError[],
    /** The suite file they were found in (some may sit in its dataset). */
    readonly suiteFile: string,
  ) {
    const first = errors[0]!;
    super(errors.map((e) => e.format()).join('\n'), { file: first.file, line: first.line, column: first.column }, first.hint);
    this.name = 'ConfigErrors';
  }

  /** Each error as ConfigError.format() writes it, one after another (each names its own place). */
  override format(): string {
    return this.message;
  }
}

/** What the CLI prints for a ConfigError: one "flowbench: error:" entry per mistake, then how many there were. */
export function errorReport(err: ConfigError): string {
  if (!(err instanceof ConfigErrors)) return `flowbench: error: ${err.format()}\n`;
  const entries = err.errors.map((e) => `flowbench: error: ${e.format()}\n`).join('');
  return `${entries}flowbench: ${err.errors.length} errors in ${shownPath(err.suiteFile)}\n`;
}

/** A file below the working folder is named as the user would type it (suites/demo.yaml). */
function shownPath(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + sep) ? relative(cwd, file) : file;
}
