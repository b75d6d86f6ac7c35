// The User-Agent every flowbench request carries, so a StackAI operator can tell load-test traffic apart.
import { readFileSync } from 'node:fs';

let agent: string | null = null;

export function userAgent(): string {
  if (agent === null) {
    let version = 'unknown';
    try {
      version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // A bundled copy without its package.json still says who it is.
    }
    agent = `flowbench/${version}`;
  }
  return agent;
}
