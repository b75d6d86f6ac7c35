// Runs in tests start cold: the request threads and the embedded simulator skip their warm-up
// (FLOWBENCH_TEST_NO_WARMUP, read by src/harness/warm-up-wanted.ts), about 0.6 s of CPU a run
// (bench/start-up.mjs), and most tests count requests, kinds and files, not timings. A file whose
// assertions are timings calls warmRunsInThisFile() (test/helpers/cli.ts): a cold thread's first requests
// are slower, which is what the warm-up keeps out of a run's figures.
// Loaded as a setup file, so every test file starts with it set (env-guard.ts knows it is ours).
process.env.FLOWBENCH_TEST_NO_WARMUP = '1';
