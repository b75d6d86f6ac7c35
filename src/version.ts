// flowbench's own version, from its package.json, read once: for the files that say which build wrote
// them, the User-Agent and `--version` (one reader for all of them).
import { readFileSync } from 'node:fs';

let version: string | null = null;

export function flowbenchVersion(): string {
  if (version === null) {
    try {
      version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // A bundled copy without its package.json still writes its files.
      version = 'unknown';
    }
  }
  return version;
}
