import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = {
    isTTY,
    columns: 100,
    text: '',
    write: (t: string) => {
      s.text += t;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('the progress bar', () => {
  it('draws a bar with the share done on a terminal, and clears it at the end', () => {
    const tty = stream(true);
    const p = new Progress('Exporting', 200, 'traces', tty);
    p.update(50);
    expect(tty.text).toMatch(/^\rExporting ▕█+░+▏ 25% {2}50\/200 traces/);
    p.done();
    expect(tty.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const pipe = stream(false);
    const p = new Progress('Exporting', 200, 'traces', pipe);
    p.update(100);
    p.done();
    expect(pipe.text).toBe('');
  });
});
