import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  stop(): Promise<void>;
}

/**
 * Starts the built `sightline serve` on free ports; `nodeArgs` go to node itself (e.g.
 * `--cpu-prof`), `env` adds to its environment (e.g. `SIGHTLINE_ADMIN_KEY`).
 */
export async function startServerProcess(
  args: string[],
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  // Run as a user runs it (the script's own node flags) unless node flags are given.
  const [command, prefix] = nodeArgs.length ? [process.execPath, [...nodeArgs, BIN]] : [BIN, []];
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
        cpuSeconds: () => {
          const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          return (Number(fields[11]) + Number(fields[12])) / 100;
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
