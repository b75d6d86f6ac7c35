// `flowbench validate`: everything `run` checks before the first request, and nothing sent.
import { plainHttpTokenWarning } from '../stackai/plain-http.js';
import { loadSuite } from '../suite/load-suite.js';

export async function validateCommand(file: string): Promise<number> {
  const suite = await loadSuite(file);
  const insecure = plainHttpTokenWarning(suite.target.baseUrl, suite.target.token);
  if (insecure) process.stderr.write(`flowbench: warning: ${insecure}\n`);
  const variants = suite.variants.map((v) => v.name).join(', ');
  process.stdout.write(`${file}: ok — suite "${suite.name}", ${suite.mode} mode, variants: ${variants}, dataset ${suite.dataset.path}\n`);
  return 0;
}
