// SIGINT / SIGTERM for `flowbench run`: the first stops scheduling (in-flight requests get the grace
// period, then the partial report is written); the second leaves at once. Exit 130 (SIGINT) / 143 (SIGTERM).
export type StopSignal = 'SIGINT' | 'SIGTERM';

const EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface Interrupt {
  /** Aborted by the first signal. */
  signal: AbortSignal;
  /** The first signal received, if any. */
  received(): StopSignal | null;
  /** The process exit code: 130 / 143 after a signal, else the run's own. */
  exitCode(runExit: number): number;
  dispose(): void;
}

export function trapSignals(graceMs: number, err: NodeJS.WritableStream = process.stderr): Interrupt {
  const abort = new AbortController();
  let first: StopSignal | null = null;
  const on = (sig: StopSignal) => (): void => {
    if (first !== null) {
      // results.jsonl flushes its waiting lines on exit (see ResultsSink): only whole lines stay.
      err.write(`\nflowbench: ${sig} again: leaving now without the report (results.jsonl keeps every finished request; --resume finishes the run)\n`);
      process.exit(EXIT_CODES[first]);
    }
    first = sig;
    const again = sig === 'SIGINT' ? 'Ctrl-C again' : 'a second SIGTERM';
    err.write(
      `\nflowbench: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'}: no new requests; in-flight ones get ${Math.round(graceMs / 100) / 10} s to finish, then the partial report is written (${again} to quit now)\n`,
    );
    abort.abort();
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    received: () => first,
    exitCode: (runExit) => (first === null ? runExit : EXIT_CODES[first]),
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
