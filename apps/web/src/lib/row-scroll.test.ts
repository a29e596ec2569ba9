import { describe, expect, it } from 'vitest';
import { scrollTopFor } from './row-scroll';

describe('scrolling a row into view', () => {
  // Rows of 26 px in a 260 px viewport: ten rows show at once.
  it('leaves the list where it is when the row is in view', () => {
    expect(scrollTopFor(0, 26, 0, 260)).toBe(0);
    expect(scrollTopFor(9, 26, 0, 260)).toBe(0);
    expect(scrollTopFor(12, 26, 100, 260)).toBe(100);
  });

  it('scrolls the least that shows a row just past the bottom or the top, whole', () => {
    expect(scrollTopFor(10, 26, 0, 260)).toBe(26);
    expect(scrollTopFor(19, 26, 0, 260)).toBe(260);
    expect(scrollTopFor(3, 26, 200, 260)).toBe(78);
    // A row cut by the top edge is shown whole.
    expect(scrollTopFor(7, 26, 190, 260)).toBe(182);
  });

  it('puts a row far away (a link, a search hit, End) in the middle, never above the first row', () => {
    expect(scrollTopFor(100, 26, 0, 260)).toBe(2600 - 117);
    expect(scrollTopFor(2, 26, 2600, 260)).toBe(0);
  });
});
