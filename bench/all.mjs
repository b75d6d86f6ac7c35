// Every benchmark side by side in one run, one after the other on the same machine; prints each figure
// as a JSON line under its heading (BENCHMARKS.md records them with this command).
// Usage: npm run build && node bench/all.mjs
import { arrival } from './arrival.mjs';
import { coordinatedOmission } from './coordinated-omission.mjs';
import { fidelity } from './fidelity.mjs';
import { conditions, withSimulator } from './lib/harness.mjs';
import { memory } from './memory.mjs';
import { overhead } from './overhead.mjs';

const started = new Date().toISOString();
console.log(`# flowbench benchmarks, ${started}`);
console.log(`# start: ${conditions()}`);
// Every measured run starts a simulator of its own (withSimulator): one that has just served another
// benchmark's hundreds of thousands of runs carries them in its heap and slows the next.
console.log('## overhead (flowbench vs autocannon, echo-fast, 16 connections, 10 s each, a fresh simulator each)');
for (const r of await overhead()) console.log(JSON.stringify(r));
console.log(`## arrival accuracy (200 req/s, 10 s) — ${conditions()}`);
console.log(JSON.stringify(await withSimulator((sim) => arrival(sim))));
console.log(`## fidelity (1,000 concurrent streams, TTFT truth 500 ms) — ${conditions()}`);
console.log(JSON.stringify(await withSimulator((sim) => fidelity(sim))));
console.log(`## fidelity, open loop: 2,000 streams at 1,700/s (about 1,000 in flight, no burst) — ${conditions()}`);
console.log(JSON.stringify(await withSimulator((sim) => fidelity(sim, 2000, 1700))));
console.log(`## fidelity, reference: 200 concurrent streams — ${conditions()}`);
console.log(JSON.stringify(await withSimulator((sim) => fidelity(sim, 200))));
console.log(`## memory (200,000 rows, echo-fast, run mode, 32 in flight) — ${conditions()}`);
console.log(JSON.stringify(await withSimulator((sim) => memory(sim))));
console.log(`## coordinated omission (20 req/s, 10 s, 1.5 s freeze) — ${conditions()}`);
for (const r of await coordinatedOmission()) console.log(JSON.stringify(r));
console.log(`# end: ${conditions()}`);
