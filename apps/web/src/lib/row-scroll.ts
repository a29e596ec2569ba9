/**
 * Where a list of fixed-height rows should scroll to show row `index`: not at all when it is
 * in view; the least that shows it whole when it is just past an edge (the keyboard stepping
 * on); with the row in the middle when it is farther (a link, a search hit, Home or End), so
 * that it is not lost at an edge.
 */
export function scrollTopFor(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top >= scrollTop && bottom <= scrollTop + viewportHeight) return scrollTop;
  const far = bottom < scrollTop - viewportHeight || top > scrollTop + 2 * viewportHeight;
  if (far) return Math.max(0, Math.round(top - (viewportHeight - rowHeight) / 2));
  return top < scrollTop ? top : bottom - viewportHeight;
}
