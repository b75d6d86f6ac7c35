// Before a request thread says it is ready, it runs its own request path (client, frame decoder, record,
// line encoding) against a private simulator inside the thread, so the first wave of a run is not charged
// for loading and compiling that code. It uses its own client: connection setup to the real target stays
// in the first requests, as it should.
import type { AddressInfo } from 'node:net';
import { reportedTokens } from '../metrics/output-tokens.js';
import { completeRecord } from '../record/complete-record.js';
import { createSimulatorServer } from '../simulator/server.js';
import { WARM_TOKEN, warmConfig } from '../simulator/warm-up.js';
import { StackAIClient } from '../stackai/client.js';
import { executeRequest, prepareContext } from './execute-request.js';
import type { WorkerConfig } from './messages.js';

export async function warmRequestPath(config: WorkerConfig, requests = 48): Promise<void> {
  const { server } = createSimulatorServer({ config: warmConfig(), token: WARM_TOKEN, maxRuns: 1000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new StackAIClient({ baseUrl, token: WARM_TOKEN, connections: 4 });
  try {
    const warm: WorkerConfig = {
      ...config,
      baseUrl,
      token: WARM_TOKEN,
      orgId: 'warm',
      flowId: 'warm-exact',
      retries: 0,
      expected: null,
      graders: [],
      variants: [{ name: 'warm', version: -1, runDraft: false }],
      metadata: { fetch: false, fields: {}, outputTokens: null, inputTokens: null },
      inputs: { 'in-0': 'warm-up question number {{row}} about the order' },
    };
    const ctx = prepareContext(warm, client);
    let next = 0;
    const lane = async () => {
      for (let row = next++; row < requests; row = next++) {
        const env = { variant: 0, step: null, warmup: false, sendLagMs: 0, delayed: false };
        const record = await executeRequest(ctx, { variant: 0, row, iteration: 0, values: {}, scheduledAt: Number(process.hrtime.bigint()) / 1e6, env });
        // Never the tokenizer here: a record it would count goes back whole in a run.
        JSON.stringify(completeRecord(record, env, reportedTokens(record, warm.metadata) ?? {}));
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
  } finally {
    await client.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
