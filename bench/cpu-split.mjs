// CPU split: how the 2 cores divide between the client and the simulator on the overhead benchmark's
// load (echo-fast, 16 connections, closed loop). For autocannon, flowbench with its default threads and
// flowbench --threads 0, each against a fresh simulator: requests/s, the client's CPU per request (for
// flowbench: until its last result, start-up included: ~0.1 s, ~1 µs a request over 6 s), the simulator's CPU per request (from
// /proc, clock ticks), and the cores the two used together while the load ran. On a machine where both
// share the cores, a µs of client CPU is a µs the simulator does not get.
// Usage: node bench/cpu-split.mjs [run|stream] [seconds=6]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { autocannonChild, conditions, flowbenchChild, r1, r2, runChild, tempDir, TOKEN, withSimulator, writeRows, writeSuite } from './lib/harness.mjs';

const mode = process.argv[2] ?? 'run';
const seconds = Number(process.argv[3] ?? 6);
const CONNECTIONS = 16;

/** A process's user + system CPU so far, µs (clock ticks of 10 ms: good to ~1 % over a few seconds). */
function processCpuUs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

export async function cpuSplit() {
  const dir = tempDir();
  writeRows(dir, 1000);
  const rows = [];
  for (const client of ['autocannon', 'flowbench default', 'flowbench --threads 0']) {
    rows.push(
      await withSimulator(async (sim) => {
        const sim0 = processCpuUs(sim.pid);
        const res =
          client === 'autocannon'
            ? await runChild(autocannonChild, [`${sim.url}/inference/v0/${mode}/bench/echo-fast?version=-1`, String(CONNECTIONS), String(seconds), TOKEN])
            : await runChild(flowbenchChild, [
                writeSuite(dir, { url: sim.url, flow: 'echo-fast', mode, load: `{ concurrency: ${CONNECTIONS}, duration: ${seconds}s, retries: 0 }` }),
                join(dir, `out-${client.replace(/\W+/g, '-')}`), // a folder per run: a folder that holds a run is refused
                ...(client.endsWith('0') ? ['0'] : []),
              ]);
        // The simulator only works while the load runs; flowbench's start-up and reports come before and after.
        const simUs = processCpuUs(sim.pid) - sim0;
        const wallS = res.loadWallMs !== undefined ? res.loadWallMs / 1000 : res.durationS;
        const clientUs = res.loadCpuUs ?? res.cpuUs;
        const clientUsPerReq = clientUs / res.ok;
        const simUsPerReq = simUs / res.ok;
        return {
          mode,
          client,
          rps: r1(res.ok / wallS),
          clientCpuUsPerReq: r1(clientUsPerReq),
          simulatorCpuUsPerReq: r1(simUsPerReq),
          coresUsed: r2(((clientUsPerReq + simUsPerReq) * res.ok) / (wallS * 1e6)),
        };
      }),
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# cpu split (${mode} mode, echo-fast, ${CONNECTIONS} connections, ${seconds} s each; ${conditions()})`);
  for (const r of await cpuSplit()) console.log(JSON.stringify(r));
}
