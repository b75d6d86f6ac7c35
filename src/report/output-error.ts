// A file of a run's output (results.jsonl, report.json, another report) could not be written: the disk is
// full or failing, or the folder was taken away mid-run. Not the user's input (exit 2) and not flowbench's
// bug (exit 3): exit 4, with the file, the errno and what to do (README "Exit codes").
import { relative, sep } from 'node:path';
import { getSystemErrorMap } from 'node:util';

export const OUTPUT_EXIT_CODE = 4;

export class OutputError extends Error {
  /** The errno's name (ENOSPC), when the failure had one. */
  readonly code: string | undefined;
  /** What to do about it, and what was written: set by whoever knows (the run). */
  notes: string[] = [];
  hint: string | undefined;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const e = cause as NodeJS.ErrnoException | undefined;
    const code = typeof e?.code === 'string' ? e.code : undefined;
    const said = code === undefined ? undefined : describeErrno(code);
    const why =
      code === undefined ? ((e as Error | undefined)?.message ?? String(cause)) : said === undefined ? `${code} (${e?.message ?? code})` : `${code} (${said})`;
    super(`cannot write ${shownPath(path)}: ${why}`, { cause });
    this.name = 'OutputError';
    this.code = code;
  }

  /** What the CLI prints: the error, what was written, and the fix. */
  report(): string {
    return `${[`flowbench: error: ${this.message}`, ...this.notes.map((n) => `  ${n}`), ...(this.hint ? [`  fix: ${this.hint}`] : [])].join('\n')}\n`;
  }
}

/** The system's words for an errno name: ENOSPC → "no space left on device". */
function describeErrno(code: string): string | undefined {
  for (const [name, text] of getSystemErrorMap().values()) if (name === code) return text;
  return undefined;
}

/** `err` as an OutputError about `path` (kept as it is when it is one already). */
export function outputError(path: string, err: unknown): OutputError {
  return err instanceof OutputError ? err : new OutputError(path, err);
}

/** A file below the working folder is named as the user would type it. */
export function shownPath(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + sep) ? relative(cwd, file) : file;
}
