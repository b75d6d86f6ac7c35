#!/usr/bin/env node
// The `flowbench` binary: one command line in this process (program.ts), then its exit code.
import { runFlowbench } from './program.js';

// `flowbench run ... | head` closes stdout early: that is the reader's choice, not an error to trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await runFlowbench(process.argv, { ownsProcess: true });
