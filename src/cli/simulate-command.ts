// `flowbench simulate`: the StackAI simulator on its own, until Ctrl-C.
import { parseFaultFlags } from '../simulator/faults.js';
import { runSimulatorCli } from '../simulator/start.js';

export async function simulateCommand(flags: { port: number; host: string; flows?: string; seed: number; token?: string; fault?: string[] }): Promise<void> {
  const token = flags.token ?? process.env.STACKAI_API_KEY;
  const faults = parseFaultFlags(flags.fault ?? []);
  const handle = await runSimulatorCli({
    port: flags.port,
    host: flags.host,
    seed: flags.seed,
    ...(flags.flows !== undefined && { flowsFile: flags.flows }),
    ...(token ? { token } : {}),
    ...(Object.keys(faults).length > 0 && { faults }),
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
}
