// `npm run docs`: writes docs/suite-reference.md from the suite schema (test/schema/reference.test.ts fails when it is stale).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceMarkdown } from './reference.js';

export const REFERENCE_FILE = fileURLToPath(new URL('../../docs/suite-reference.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(dirname(REFERENCE_FILE), { recursive: true });
  writeFileSync(REFERENCE_FILE, referenceMarkdown());
}
