import { execFileSync } from 'node:child_process';

/**
 * A command running in a real pseudo-terminal: a detached tmux session on a socket of its own,
 * whose screen can be read back (`capture`), typed into and resized, as a person would.
 */
export class TmuxSession {
  private constructor(
    private readonly socket: string,
    readonly name: string,
  ) {}

  /** Starts `command` (run by the shell) in a `width` × `height` terminal with `env` added. */
  static start(command: string, options: { width: number; height: number; env?: Record<string, string> }): TmuxSession {
    const socket = `sightline-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const session = new TmuxSession(socket, 'main');
    const env = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // Keep the pane (and its last screen) when the command exits, so the test can still read it:
    // set in the same tmux command, before a quick command can have ended.
    session.tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(options.width),
      '-y',
      String(options.height),
      ...env,
      command,
      ';',
      'set-option',
      '-t',
      'main',
      'remain-on-exit',
      'on',
    );
    return session;
  }

  /**
   * The screen as text, one line per row (with `colors`, the ANSI escapes too; with `history`, the lines scrolled off
   * too; with `joined`, a line the terminal wrapped because it was too long comes back as the one line it was).
   */
  capture(colors = false, history = false, joined = false): string {
    const flags = [...(colors ? ['-e'] : []), ...(history ? ['-S', '-'] : []), ...(joined ? ['-J'] : [])];
    return this.tmux('capture-pane', '-p', '-t', 'main', ...flags);
  }

  sendKeys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(width), '-y', String(height));
  }

  /** Whether the command still runs. */
  running(): boolean {
    return this.tmux('display-message', '-p', '-t', 'main', '#{pane_dead}').trim() === '0';
  }

  /** The command's exit status, once it has exited. */
  exitStatus(): number | null {
    const text = this.tmux('display-message', '-p', '-t', 'main', '#{pane_dead_status}').trim();
    return text === '' ? null : Number(text);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

/** Waits until `check` passes (it throws until then), for up to `ms` (long: a loaded CI machine is slow). */
export async function until<T>(check: () => T, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
