// A child process that asks for /healthz every 50 ms (one request at a time, a fresh
// connection each) and, when told to stop (SIGTERM), prints its latencies as JSON:
// node bench/healthz-probe.mjs http://127.0.0.1:4800
import { request } from 'node:http';

const url = new URL('/healthz', process.argv[2]);
const latencies = [];
let failures = 0;
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

const once = () =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, agent: false, timeout: 120_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });

while (!stopping) {
  const ms = await once();
  if (ms === null) failures++;
  else latencies.push(ms);
  await new Promise((r) => setTimeout(r, 50));
}
process.stdout.write(JSON.stringify({ latencies, failures }));
