import { describe, expect, it } from 'vitest';
import { readInline, readMarkdownLite } from './markdown-lite';

describe('the markdown model output leans on', () => {
  it('reads **bold** and `inline code`, leaving the rest as the text it is', () => {
    expect(readInline('Go to **Invoices → Export** and run `npm test` now')).toEqual([
      { kind: 'text', text: 'Go to ' },
      { kind: 'bold', text: 'Invoices → Export' },
      { kind: 'text', text: ' and run ' },
      { kind: 'code', text: 'npm test' },
      { kind: 'text', text: ' now' },
    ]);
    expect(readInline('2 * 3 * 4, a ** b, `unclosed')).toEqual([{ kind: 'text', text: '2 * 3 * 4, a ** b, `unclosed' }]);
  });

  it('keeps fenced code whole, and an unclosed fence as text', () => {
    expect(readMarkdownLite('Run this:\n```sh\nnpm install\nnpm start\n```\nThen **open** it.')).toEqual([
      { kind: 'text', spans: [{ kind: 'text', text: 'Run this:' }] },
      { kind: 'code', text: 'npm install\nnpm start' },
      {
        kind: 'text',
        spans: [
          { kind: 'text', text: 'Then ' },
          { kind: 'bold', text: 'open' },
          { kind: 'text', text: ' it.' },
        ],
      },
    ]);
    expect(readMarkdownLite('```\nno end')).toEqual([{ kind: 'text', spans: [{ kind: 'text', text: '```\nno end' }] }]);
  });

  it('leaves markup as text: there is no HTML, link or image in what it reads', () => {
    const probe = '<img src=x onerror="alert(1)"> [link](javascript:alert(1)) ![i](x) <script>alert(1)</script>';
    expect(readMarkdownLite(probe)).toEqual([{ kind: 'text', spans: [{ kind: 'text', text: probe }] }]);
    // Inside code and bold too, it is only text.
    expect(readInline('**<b>x</b>** `<script>`')).toEqual([
      { kind: 'bold', text: '<b>x</b>' },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: '<script>' },
    ]);
  });
});
