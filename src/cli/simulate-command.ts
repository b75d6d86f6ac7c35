// `flowbench simulate`: the StackAI simulator on its own, until Ctrl-C.

export async function simulateCommand(flags: { port: number; host: string; flows?: string; seed: number; token?: string; fault?: string[] }): Promise<void> {
  const token = flags.token ?? process.env.STACKAI_API_KEY;
  // Loaded when the command runs: every other command (and a mistake in the input) starts without it.
  const [{ parseFaultFlags }, { runSimulatorCli }] = await Promise.all([import('../simulator/faults.js'), import('../simulator/start.js')]);
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
