// `npm test` builds, then runs every file under test/ with this configuration.
//
// Much of the suite's time is spent waiting (a run against a simulator answering in a few hundred ms, a
// thread that starts, a Ctrl-C grace). One worker per core but one (vitest's default: 1 on 2 cores) ran
// the files one at a time and left the cores idle through those waits. Since the CLI runs in the test
// processes (test/helpers/cli-in-process.ts) the suite needs 305 s of CPU, not 504: three files at a time
// took 201 s and left the 2 cores 20 % idle, four take 167 s (docs/development.md, BENCHMARKS.md). Tests
// that time something give bounds a machine twice as slow, or this busy, still meets.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './test/helpers/sequencer.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  test: {
    dir: 'test',
    // Test files run in child processes (forks), each process running several files one after another
    // with its module cache kept (isolate: false): re-importing src/ and vitest for every one of ~150
    // files was about a sixth of the suite's CPU. Files therefore close what they start (simulators,
    // servers, registered load models) and leave process.env as they found it.
    pool: 'forks',
    // The built code (dist/, which the CLI runs and the tests' in-process CLI calls and library imports
    // load) is imported by Node as it is, not through vitest's transform: report.html serialises functions
    // into its page (page-script.ts), and transformed ones would carry vitest's import helpers there.
    server: { deps: { external: [new RegExp(`^${escapeRegExp(resolve(import.meta.dirname, 'dist'))}/`)] } },
    isolate: false,
    maxWorkers: 4,
    // The longest files first, in a clean clone too (test/helpers/sequencer.ts).
    sequence: { sequencer: SlowestFirstSequencer },
    // A CLI run on a busy 2-core machine takes seconds; the few long cases set their own limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A judge cache per test file, in a temporary folder (test/helpers/judge-cache-env.ts).
    setupFiles: ['test/helpers/judge-cache-env.ts', 'test/helpers/cold-by-default.ts', 'test/helpers/env-guard.ts', 'test/helpers/cpu-log.ts'],
  },
});
