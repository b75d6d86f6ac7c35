// The first thing a run says: where its requests go (never the token, nor credentials in a URL), what
// it runs and how much, and a warning when the environment looks set up for StackAI but the target is
// the embedded simulator.
import { targetName } from '../report/target-name.js';
import type { Suite } from '../suite/types.js';

export function targetLine(suite: Suite, planned: { requests: number | null; dir: string }): string {
  const variants = suite.variants.map((v) => v.name).join(', ');
  const count = planned.requests === null ? 'requests until the load ends' : `${planned.requests} requests planned`;
  return (
    `run ${suite.name} against ${targetName(suite.target.baseUrl)}: org ${suite.target.orgId}, flow ${suite.target.flowId}, ` +
    `mode ${suite.mode}, variants ${variants}; ${count}; report folder ${planned.dir}`
  );
}

/** A StackAI key in the environment while the requests go to the simulator: probably not what was meant. */
export function simulatorWithKeyWarning(suite: Suite, env: NodeJS.ProcessEnv = process.env): string | null {
  if (suite.target.baseUrl !== 'simulator' || !env.STACKAI_API_KEY) return null;
  return (
    'STACKAI_API_KEY is set, but the target is the embedded simulator: nothing is sent to StackAI. ' +
    'To test your flow, set target.base_url (or STACKAI_BASE_URL, which suites/demo.yaml reads) or pass --base-url https://api.stack-ai.com'
  );
}
