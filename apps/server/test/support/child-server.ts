import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `sightline` command (npm test builds first). */
export const SIGHTLINE_BIN = fileURLToPath(new URL('../../../cli/bin/sightline.js', import.meta.url));

export interface ChildServer {
  readonly proc: ChildProcess;
  readonly api: string;
  readonly otlpHttp: string;
  readonly grpc: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `sightline serve` flags that let the system pick every port. */
export const ANY_FREE_PORTS = ['--port', '0', '--grpc-port', '0', '--otlp-http-port', '0'];

/**
 * How the command is started: by `node` (the default: the test runner's own node), or the file
 * itself, through its `#!` line, as `npx sightline` and `npm start` run it.
 */
export type Launch = 'node' | 'file';

/** Runs `sightline <args>` (behind `prefix`, e.g. a command that changes the user) and collects its output. */
export function runSightline(args: string[], env: Record<string, string> = {}, prefix: readonly string[] = [], launch: Launch = 'node') {
  const [command, ...rest] = [...prefix, ...(launch === 'node' ? [process.execPath] : []), SIGHTLINE_BIN, ...args];
  const proc = spawn(command as string, rest, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => {
    stdout += d;
  });
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Starts `sightline serve` with free ports and waits until it listens. */
export async function startChildServer(
  args: string[],
  env: Record<string, string> = {},
  prefix: readonly string[] = [],
  launch: Launch = 'node',
): Promise<ChildServer> {
  const run = runSightline(['serve', ...ANY_FREE_PORTS, ...args], env, prefix, launch);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = run.stderr();
    const api = /API \+ OTLP\/HTTP\s+(http:\/\/\S+)/.exec(text)?.[1];
    const otlp = /OTLP\/HTTP\s+(http:\/\/\S+)\/v1\/traces/.exec(text)?.[1];
    const grpcAddr = /OTLP\/gRPC\s+(\S+)/.exec(text)?.[1];
    if (api && otlp && grpcAddr) return { proc: run.proc, api, otlpHttp: otlp, grpc: grpcAddr, stderr: run.stderr, exited: run.exited };
    if (run.proc.exitCode !== null || Date.now() > deadline) throw new Error(`sightline serve did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
