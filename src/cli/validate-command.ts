// `flowbench validate`: everything `run` checks before the first request, and nothing sent.
import { loadSuite } from '../suite/load-suite.js';
import { parseThreshold } from '../metrics/thresholds.js';
import { ConfigError } from '../suite/config-error.js';

export async function validateCommand(file: string): Promise<number> {
  const suite = await loadSuite(file);
  for (const [metric, expr] of Object.entries(suite.thresholds)) {
    const p = parseThreshold(metric, expr, Object.keys(suite.metadata.fields));
    if (typeof p === 'string') throw new ConfigError(p, { file: suite.file }, 'fix the thresholds section');
  }
  const variants = suite.variants.map((v) => v.name).join(', ');
  process.stdout.write(`${file}: ok — suite "${suite.name}", ${suite.mode} mode, variants: ${variants}, dataset ${suite.dataset.path}\n`);
  return 0;
}
