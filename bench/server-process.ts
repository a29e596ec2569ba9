import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../apps/cli/bin/sightline.js', import.meta.url));

export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly api: string;
  readonly otlpHttp: string;
  readonly grpc: string;
  /** Resident set size now, in MiB. */
  rssMiB(): number;
  /** Peak resident set size so far, in MiB. */
  peakRssMiB(): number;
  /** CPU time the server has used (user + system, all threads), in seconds. */
  cpuSeconds(): number;
  /** CPU time so far of each of the server's threads, in seconds, by thread id (the main thread's is the process id). */
  threadCpuSeconds(): Map<number, number>;
  stop(): Promise<void>;
}

/**
 * Starts the built `sightline serve` on free ports; `nodeArgs` go to node itself (e.g.
 * `--cpu-prof`), `env` adds to its environment (e.g. `SIGHTLINE_ADMIN_KEY`); `bin` is another
 * build's launcher (`bench/against-build.ts`), this tree's by default.
 */
export async function startServerProcess(
  args: string[],
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
  bin = BIN,
): Promise<ServerProcess> {
  // Run as a user runs it (the script's own node flags) unless node flags are given.
  const [command, prefix] = nodeArgs.length ? [process.execPath, [...nodeArgs, bin]] : [bin, []];
  const proc = spawn(command, [...prefix, 'serve', '--port', '0', '--grpc-port', '0', '--otlp-http-port', '0', ...args], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const api = /API \+ OTLP\/HTTP\s+(http:\/\/\S+)/.exec(stderr)?.[1];
    const otlp = /OTLP\/HTTP\s+(http:\/\/\S+)\/v1\/traces/.exec(stderr)?.[1];
    const grpc = /OTLP\/gRPC\s+(\S+)/.exec(stderr)?.[1];
    if (api && otlp && grpc) {
      const status = (field: string) =>
        Number(
          /(\d+) kB/.exec(
            readFileSync(`/proc/${proc.pid}/status`, 'utf8')
              .split('\n')
              .find((l) => l.startsWith(field)) ?? '',
          )?.[1] ?? 0,
        ) / 1024;
      return {
        proc,
        api,
        otlpHttp: otlp,
        grpc,
        rssMiB: () => status('VmRSS:'),
        peakRssMiB: () => status('VmHWM:'),
        cpuSeconds: () => statCpuSeconds(`/proc/${proc.pid}/stat`),
        threadCpuSeconds: () => {
          const threads = new Map<number, number>();
          for (const tid of readdirSync(`/proc/${proc.pid}/task`)) {
            try {
              threads.set(Number(tid), statCpuSeconds(`/proc/${proc.pid}/task/${tid}/stat`));
            } catch {
              // The thread ended between the listing and the read.
            }
          }
          return threads;
        },
        stop: () =>
          new Promise((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGTERM');
          }),
      };
    }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** User + system CPU seconds from a /proc stat file. */
function statCpuSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU per span between two {@link ServerProcess.threadCpuSeconds} readings, in µs: the main
 * thread, the busiest other thread (the SQLite writer, under ingest), and all the rest
 * together (V8's garbage collection helpers, mostly).
 */
export function threadSplit(before: Map<number, number>, after: Map<number, number>, mainTid: number, spans: number) {
  const used = [...after].map(([tid, s]) => [tid, s - (before.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === mainTid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== mainTid).map(([, s]) => s);
  const busiest = Math.max(0, ...others);
  const rest = others.reduce((a, b) => a + b, 0) - busiest;
  const us = (seconds: number) => (seconds / spans) * 1e6;
  return { main: us(main), busiest: us(busiest), rest: us(rest) };
}
