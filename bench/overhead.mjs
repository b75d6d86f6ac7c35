// Overhead: flowbench vs autocannon against the standalone simulator's zero-latency flow (echo-fast),
// run mode and stream mode, same connection count, one after the other in this run. Prints requests/s,
// the ratio flowbench / autocannon, and client CPU time per request: flowbench's is its CPU until the last
// result lands, less its fixed start-up cost (a 1-request run: module loading, worker threads), and is
// also shown with the report writing that follows the load included. flowbench runs twice: default
// threads (one per core but one) and --threads 0 (requests on the main thread). Beside them, the floor
// (bench/lib/floor-child.mjs): a bare undici loop and flowbench's per-request work alone, one thread.
// Usage: node bench/overhead.mjs [connections=16] [seconds=10]
import { join } from 'node:path';
import { autocannonChild, conditions, flowbenchChild, r1, r2, runChild, tempDir, TOKEN, withSimulator, writeRows, writeSuite } from './lib/harness.mjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const floorChild = fileURLToPath(new URL('./lib/floor-child.mjs', import.meta.url));

const connections = Number(process.argv[2] ?? 16);
const seconds = Number(process.argv[3] ?? 10);

/** Each measured run on a fresh simulator (see withSimulator); the fixed start-up cost on one of its own. */
export async function overhead() {
  const rows = [];
  for (const mode of ['run', 'stream']) {
    const path = mode === 'run' ? 'run' : 'stream';
    const ac = await withSimulator((sim) =>
      runChild(autocannonChild, [`${sim.url}/inference/v0/${path}/bench/echo-fast?version=-1`, String(connections), String(seconds), TOKEN]),
    );
    // The floor: a bare undici loop, and flowbench's per-request work alone (no threads, results or statistics).
    const floor = {};
    for (const kind of ['undici', 'request']) {
      const f = await withSimulator((sim) => runChild(floorChild, [kind, sim.url, 'echo-fast', mode, String(connections), String(seconds), TOKEN]));
      floor[kind] = { rps: r1(f.rps), ratio: r2(f.rps / ac.rps), cpuUsPerReq: r1(f.cpuUs / f.ok) };
    }
    const dir = tempDir();
    writeRows(dir, 1000);
    const fixedDir = tempDir();
    writeRows(fixedDir, 10);
    const fixed = await withSimulator((sim) =>
      runChild(flowbenchChild, [
        writeSuite(fixedDir, { url: sim.url, flow: 'echo-fast', mode, load: '{ concurrency: 1, requests: 1 }' }),
        join(fixedDir, 'out'),
      ]),
    );
    for (const threads of [null, 0]) {
      const out = join(dir, `out-${threads ?? 'default'}`);
      const fb = await withSimulator((sim) =>
        runChild(flowbenchChild, [
          writeSuite(dir, { url: sim.url, flow: 'echo-fast', mode, load: `{ concurrency: ${connections}, duration: ${seconds}s, retries: 0 }` }),
          out,
          ...(threads !== null ? [String(threads)] : []),
        ]),
      );
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      const fbRps = report.variants[0].rps;
      rows.push({
        mode,
        connections,
        flowbenchThreads: report.load.threads,
        autocannonRps: r1(ac.rps),
        flowbenchRps: r1(fbRps),
        ratio: r2(fbRps / ac.rps),
        autocannonCpuUsPerReq: r1(ac.cpuUs / ac.ok),
        flowbenchCpuUsPerReq: r1((fb.loadCpuUs - fixed.loadCpuUs) / fb.ok),
        flowbenchCpuUsPerReqWithReports: r1(fb.cpuUs / fb.ok),
        flowbenchFixedCpuMs: r1(fixed.loadCpuUs / 1000),
        flowbenchErrors: report.variants[0].errors,
        autocannonNon2xx: ac.non2xx,
        floor,
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# overhead (${conditions()})`);
  for (const r of await overhead()) console.log(JSON.stringify(r));
}
