// `flowbench validate`: everything `run` checks before the first request, and nothing sent.
import { loadSuite } from '../suite/load-suite.js';

export async function validateCommand(file: string): Promise<number> {
  const suite = await loadSuite(file);
  const variants = suite.variants.map((v) => v.name).join(', ');
  process.stdout.write(`${file}: ok — suite "${suite.name}", ${suite.mode} mode, variants: ${variants}, dataset ${suite.dataset.path}\n`);
  return 0;
}
