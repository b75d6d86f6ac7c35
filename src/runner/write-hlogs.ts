// Writes each variant's HdrHistogram interval log as `<variant>.hlog` in the report folder.
import { join } from 'node:path';
import { writeFileWhole } from '../report/whole-file.js';

/** File-name-safe variant name (variant names are free text). */
export function hlogName(variant: string): string {
  return `${variant.replace(/[^A-Za-z0-9._-]+/g, '_')}.hlog`;
}

export async function writeHlogs(dir: string, logs: { variant: string; text: string }[]): Promise<void> {
  await Promise.all(logs.map((l) => writeFileWhole(join(dir, hlogName(l.variant)), l.text)));
}
