import type { SpanTreeNode } from '@sightline/storage';
import { spanToJson } from './span-json.js';

/** A node whose opening is written, and the index of the next child to write. */
interface Frame {
  readonly node: SpanTreeNode;
  next: number;
}

/**
 * A span with its descendants nested under `children`, as JSON text: each span as
 * {@link spanToJson} gives it plus `children` last — the bytes `JSON.stringify` writes for that
 * nested object. Written with an explicit stack because a trace's depth is up to its sender,
 * and `JSON.stringify` (like any recursive walk) overflows the stack a few thousand levels down.
 */
export function spanTreeToJsonText(root: SpanTreeNode): string {
  const parts: string[] = [];
  const stack: Frame[] = [];
  const open = (node: SpanTreeNode) => {
    // A span's own JSON is a non-empty object: reopen it to append `children`.
    parts.push(JSON.stringify(spanToJson(node.span)).slice(0, -1), ',"children":[');
    stack.push({ node, next: 0 });
  };
  open(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    const child = top.node.children[top.next];
    if (child === undefined) {
      parts.push(']}');
      stack.pop();
      continue;
    }
    if (top.next > 0) parts.push(',');
    top.next++;
    open(child);
  }
  return parts.join('');
}
