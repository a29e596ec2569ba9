/**
 * The little markdown that model output leans on — fenced code blocks, `inline code` and
 * **bold** — read into plain data, so that it is shown as such while everything else stays the
 * text it is. Nothing here is HTML: the view builds elements from these pieces, and text that
 * looks like markup (`<script>`, links, images) remains text.
 */
export type Inline = { readonly kind: 'text' | 'bold' | 'code'; readonly text: string };
export type Block = { readonly kind: 'code'; readonly text: string } | { readonly kind: 'text'; readonly spans: readonly Inline[] };

const FENCE = /^ {0,3}```/;

/** The text's blocks: fenced code as it is, the rest as text with its inline code and bold. */
export function readMarkdownLite(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let prose: string[] = [];
  const flush = () => {
    if (prose.length) blocks.push({ kind: 'text', spans: readInline(prose.join('\n')) });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!FENCE.test(line)) {
      prose.push(line);
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && FENCE.test(l));
    // An unclosed fence is text, as it was written.
    if (end < 0) {
      prose.push(line);
      continue;
    }
    flush();
    blocks.push({ kind: 'code', text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  flush();
  return blocks;
}

/** `code` (single backticks, on one line) and **bold** (on one line); anything unpaired stays text. */
export function readInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pattern = /`([^`\n]+)`|\*\*([^*\n]+?)\*\*/g;
  let at = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m.index > at) out.push({ kind: 'text', text: text.slice(at, m.index) });
    out.push(m[1] !== undefined ? { kind: 'code', text: m[1] } : { kind: 'bold', text: m[2] as string });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}
