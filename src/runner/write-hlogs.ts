// Writes each variant's HdrHistogram interval log as `<variant>.hlog` in the report folder; the stem
// is the variant's file-name stem (report/variant-files.ts), the same as its hgrm/*.hgrm files.
import { join } from 'node:path';
import { variantFileStems } from '../report/variant-files.js';
import { writeFileWhole } from '../report/whole-file.js';

/** The .hlog file name of every variant, in order (`logs` is the run's whole variant list). */
export function hlogNames(variants: readonly string[]): string[] {
  return variantFileStems(variants).map((s) => `${s}.hlog`);
}

export async function writeHlogs(dir: string, logs: { variant: string; text: string }[]): Promise<void> {
  const names = hlogNames(logs.map((l) => l.variant));
  await Promise.all(logs.map((l, i) => writeFileWhole(join(dir, names[i]!), l.text)));
}
