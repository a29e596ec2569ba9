const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** Frames are drawn at most this often when something changed. */
const FRAME_MS = 100;

/**
 * Runs a full-screen view on the terminal: the alternate screen with the cursor hidden, a frame
 * drawn at most every 100 ms when something changed (and every second for the clock), on resize
 * at once; `q`, Esc or Ctrl-C quit, as does `stop` aborting. Resolves when it quits; the screen is
 * restored.
 */
export function runFullScreen(
  draw: (columns: number, rows: number) => string[],
  hooks: { onChange: (redraw: () => void) => void; stop: AbortSignal },
): Promise<void> {
  const out = process.stdout;
  const input = process.stdin;
  return new Promise((resolve) => {
    let pending = false;
    let last = 0;
    const frame = () => {
      pending = false;
      last = Date.now();
      const lines = draw(out.columns || 80, out.rows || 24);
      out.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
    };
    const redraw = () => {
      if (pending) return;
      pending = true;
      const wait = Math.max(0, FRAME_MS - (Date.now() - last));
      setTimeout(frame, wait);
    };
    const tick = setInterval(redraw, 1_000);
    const quit = () => {
      clearInterval(tick);
      out.off('resize', frame);
      if (input.isTTY) input.setRawMode(false);
      input.off('data', onKey);
      input.pause();
      out.write(LEAVE);
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      hooks.stop.removeEventListener('abort', quit);
      resolve();
    };
    const onKey = (data: Buffer) => {
      const key = data.toString('utf8');
      if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x1b') quit();
    };
    out.write(ENTER);
    out.on('resize', frame);
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
    hooks.stop.addEventListener('abort', quit);
    if (input.isTTY) input.setRawMode(true);
    input.on('data', onKey);
    input.resume();
    hooks.onChange(redraw);
    frame();
    if (hooks.stop.aborted) quit();
  });
}
