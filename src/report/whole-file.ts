// Files flowbench writes whole (report.json, run-manifest.json, report.html, results.csv, …) are written
// under a temporary name beside their place, flushed to disk and renamed over it: a kill, a second Ctrl-C
// or a full disk mid-write leaves the old file (or none), never an empty or torn one. A folder flowbench
// cannot write is a ConfigError (exit 2) naming the path; other write failures name the file too.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { ConfigError } from '../errors/config-error.js';
import { OutputError } from './output-error.js';

/** Codes that mean "this place cannot be written" (the user picks another), not "the disk failed". */
const UNWRITABLE: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EISDIR: 'a folder of that name is in the way',
  ENOENT: 'the folder does not exist (removed during the run?)',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path loops through symbolic links',
};

const FIX = 'write the reports into a folder you can write: --out DIR, or report.dir in the suite';

/** A failure to write `path`: a ConfigError when the place is unwritable, else the error with the path in its message. */
export function cannotWrite(path: string, err: unknown): Error {
  if (err instanceof ConfigError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const why = code === undefined ? undefined : UNWRITABLE[code];
  // The code stays on it, for a run that finds the place taken away mid-run (then it is an OutputError, exit 4).
  if (why !== undefined) return Object.assign(new ConfigError(`cannot write here: ${why} (${code})`, { file: path }, FIX), { code, path });
  // Disk full, an I/O error: not the user's input (exit 4, src/report/output-error.ts).
  return new OutputError(path, err);
}

/** Creates `dir` (and its parents) for writing; an impossible one is a ConfigError naming it. */
export async function ensureFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw cannotWrite(dir, err);
  }
}

/** What a writer fills a file through: writes are gathered into large ones (a line each would be a syscall each). */
export interface WholeFileOut {
  write(text: string): Promise<void>;
}

const BATCH_CHARS = 64 * 1024;

class BatchedOut implements WholeFileOut {
  private parts: string[] = [];
  private chars = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
  ) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.chars += text.length;
    if (this.chars >= BATCH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.chars === 0) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.chars = 0;
    try {
      // A short write (the disk filling up) is followed by one that fails: loop until done or refused.
      for (let off = 0; off < data.length; ) off += (await this.fh.write(data, off, data.length - off)).bytesWritten;
    } catch (err) {
      throw cannotWrite(this.path, err);
    }
  }
}

/** The temporary name: beside the file (same file system, so the rename is atomic), one per process. */
export const tempName = (path: string): string => `${path}.${process.pid}.tmp`;

/**
 * Writes `path` whole: `fill` writes through `out` into a temporary file, which is flushed to disk and
 * renamed over `path` only when `fill` has finished. On any failure the temporary file is removed and
 * `path` is left as it was; the failure is thrown (write failures as cannotWrite() makes them).
 */
export async function writeWhole(path: string, fill: (out: WholeFileOut) => Promise<void>): Promise<void> {
  const tmp = tempName(path);
  let fh: FileHandle;
  try {
    fh = await open(tmp, 'w');
  } catch (err) {
    throw cannotWrite(path, err);
  }
  let handleOpen = true;
  try {
    const out = new BatchedOut(fh, path);
    await fill(out);
    await out.flush();
    try {
      await fh.sync(); // a deferred write error (a network disk, say) surfaces here, before the rename
      handleOpen = false;
      await fh.close();
      await rename(tmp, path);
    } catch (err) {
      throw cannotWrite(path, err);
    }
  } catch (err) {
    if (handleOpen) await fh.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

/** writeWhole for text already in hand. */
export const writeFileWhole = (path: string, text: string): Promise<void> => writeWhole(path, (out) => out.write(text));

/**
 * writeFileWhole for a caller that cannot wait (a state file rewritten between two pages, or on the way out
 * of a signal): the same temporary name, flush and rename; `mode` for a file only its owner may read.
 */
export function writeFileWholeSync(path: string, text: string, mode = 0o644): void {
  const tmp = tempName(path);
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw cannotWrite(path, err);
  }
}
