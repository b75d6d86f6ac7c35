// A mistake in the user's input (suite, dataset, command line): exit code 2, never a stack trace.
import { relative, sep } from 'node:path';

export interface ConfigErrorLocation {
  file?: string;
  line?: number;
  column?: number;
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
      // A file below the working folder is named as the user would type it (suites/demo.yaml).
      const cwd = process.cwd();
      where = this.file.startsWith(cwd + sep) ? relative(cwd, this.file) : this.file;
      if (this.line !== undefined) where += `:${this.line}`;
      if (this.line !== undefined && this.column !== undefined) where += `:${this.column}`;
      where += ': ';
    }
    return `${where}${this.message}${this.hint ? `\n  fix: ${this.hint}` : ''}`;
  }
}
