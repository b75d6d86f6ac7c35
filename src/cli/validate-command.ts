// `flowbench validate`: everything `run` checks before the first request, and nothing sent.
import { plainHttpTokenWarning } from '../stackai/plain-http.js';
import { urlCredentialWarning } from '../stackai/url-credentials.js';
import { parseShard } from '../shard/partition.js';
import { ConfigError } from '../errors/config-error.js';
import { loadSuite } from '../suite/load-suite.js';

export async function validateCommand(file: string, flags: { shard?: string } = {}): Promise<number> {
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  if (typeof shard === 'string') throw new ConfigError(shard, {}, 'e.g. --shard 1/4: the shard count the run will use');
  const suite = await loadSuite(file, shard ? { overrides: { shards: shard.count } } : {});
  const insecure = plainHttpTokenWarning(suite.target.baseUrl, suite.target.token);
  if (insecure) process.stderr.write(`flowbench: warning: ${insecure}\n`);
  const inUrl = urlCredentialWarning(suite.target.baseUrl);
  if (inUrl) process.stderr.write(`flowbench: warning: ${inUrl}\n`);
  const variants = suite.variants.map((v) => v.name).join(', ');
  process.stdout.write(`${file}: ok — suite "${suite.name}", ${suite.mode} mode, variants: ${variants}, dataset ${suite.dataset.path}\n`);
  return 0;
}
