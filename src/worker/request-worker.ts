// piscina worker entry: one client and one set of prepared graders per thread, many requests in flight.
import { workerData } from 'node:worker_threads';
import { StackAIClient } from '../stackai/client.js';
import { executeRequest, prepareContext, type RequestContext } from './execute-request.js';
import type { ResultRecord, WorkerConfig, WorkerTask } from './messages.js';

const config = workerData as WorkerConfig;
let ctx: RequestContext | null = null;

export default async function run(task: WorkerTask): Promise<ResultRecord | null> {
  if ('warmup' in task) {
    await new Promise((resolve) => setTimeout(resolve, 20)); // hold the thread so the next warm-up goes elsewhere
    return null;
  }
  ctx ??= prepareContext(config, new StackAIClient({ baseUrl: config.baseUrl, token: config.token, connections: config.connections, ...(config.connectTimeoutMs !== undefined && { connectTimeoutMs: config.connectTimeoutMs }) }));
  return executeRequest(ctx, task);
}
