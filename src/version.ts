// flowbench's own version, from its package.json, read once: for the files that say which build wrote
// them, the User-Agent, `--version` (one reader; there were four, each with its own relative path). Found
// by walking up from this module, so it holds from src/ (tests), dist/, and a bundle of either.
import { readFileSync } from 'node:fs';

let version: string | null = null;

export function flowbenchVersion(): string {
  if (version === null) {
    version = 'unknown'; // a copy without its package.json still writes its files
    for (let url = new URL('./package.json', import.meta.url), i = 0; i < 4; i++, url = new URL('../package.json', url)) {
      try {
        const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'flowbench' && typeof pkg.version === 'string') {
          version = pkg.version;
          break;
        }
      } catch {
        // not here: one folder up
      }
    }
  }
  return version;
}
