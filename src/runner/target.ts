// Resolves where requests go: the suite's base URL, or the embedded simulator started for the run.
import { startSimulatorThread, type SimulatorHandle } from '../simulator/start.js';
import type { Suite } from '../suite/types.js';

/** The simulator accepts any non-empty token; a fixed one is used when the suite gives none. */
const SIMULATOR_TOKEN = 'flowbench-simulator';

export interface ResolvedTarget {
  baseUrl: string;
  token: string;
  close(): Promise<void>;
}

export async function resolveTarget(suite: Suite): Promise<ResolvedTarget> {
  const { baseUrl, token, simulator } = suite.target;
  if (baseUrl !== 'simulator') return { baseUrl, token, close: async () => {} };
  const sim: SimulatorHandle = await startSimulatorThread({
    ...(simulator.flows ? { flowsFile: simulator.flows } : {}),
    seed: simulator.seed,
    token: token || SIMULATOR_TOKEN,
  });
  return { baseUrl: sim.url, token: token || SIMULATOR_TOKEN, close: () => sim.close() };
}
