import { type RefObject, useEffect, useState } from 'react';

/** Whether the element has come near the viewport (once true, stays true). */
export function useInView(ref: RefObject<Element | null>, margin = '600px'): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || seen) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [ref, margin, seen]);
  return seen;
}
