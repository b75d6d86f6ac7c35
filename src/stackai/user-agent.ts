// The User-Agent every flowbench request carries, so a StackAI operator can tell load-test traffic apart.
import { flowbenchVersion } from '../version.js';

let agent: string | null = null;

export function userAgent(): string {
  agent ??= `flowbench/${flowbenchVersion()}`;
  return agent;
}
