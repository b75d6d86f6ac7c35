// Runs autocannon in this process against one endpoint and prints, as its last line, JSON with its
// request count, duration and the process's CPU time.
import autocannon from 'autocannon';

const [url, connections, seconds, token] = process.argv.slice(2);
const cpu0 = process.cpuUsage();
const result = await autocannon({
  url,
  method: 'POST',
  connections: Number(connections),
  duration: Number(seconds),
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ 'in-0': 'question number 1 about the order' }),
});
const cpu = process.cpuUsage(cpu0);
const ok = result['2xx'];
process.stdout.write(
  `${JSON.stringify({ requests: result.requests.total, ok, non2xx: result.non2xx, errors: result.errors, durationS: result.duration, rps: ok / result.duration, cpuUs: cpu.user + cpu.system })}\n`,
);
