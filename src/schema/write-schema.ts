// Build step (`npm run build`): writes schema/suite.schema.json, the JSON Schema editors use, from the suite's one source.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suiteJsonSchema } from './json-schema.js';

/** Where the schema lives in the repository and in the installed package (suites point at it by relative path). */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/suite.schema.json', import.meta.url));

export function schemaText(): string {
  return `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;
}

/** Writes the schema when it changed; true when the file was (re)written. */
export function writeSchema(file = SCHEMA_FILE): boolean {
  const text = schemaText();
  let old: string | null = null;
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    old = null;
  }
  if (old === text) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeSchema();
