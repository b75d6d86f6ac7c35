// Whether a thread warms its request path up before the run's clock starts (the request lanes and the
// embedded simulator do, so a run's first wave is not the harness compiling its own code). The one test
// hook: FLOWBENCH_TEST_NO_WARMUP=1 starts them cold, for tests of counts and files, not timings, which
// then skip about 0.6 s of CPU a run (test/helpers/cold-by-default.ts). Read in one place, here, on the
// run's main thread when the run starts its threads: a thread kept from an earlier run (thread-shelf.ts)
// holds that run's copy of the environment, so the decision travels in each run's start message.
export const warmUpWanted = (): boolean => process.env.FLOWBENCH_TEST_NO_WARMUP !== '1';
