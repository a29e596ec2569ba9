import { useEffect, useRef, useState } from 'react';
import { useDebounced } from './use-debounced';

/**
 * A text box that writes its value to the URL once typing settles, and follows the URL when it
 * changes otherwise (back and forward, a shared link).
 */
export function useUrlText(urlValue: string | undefined, commit: (value: string | undefined) => void): [string, (v: string) => void] {
  const [text, setText] = useState(urlValue ?? '');
  const settled = useDebounced(text, 350);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  const last = useRef(urlValue ?? '');
  useEffect(() => {
    if (settled === last.current) return;
    last.current = settled;
    commitRef.current(settled || undefined);
  }, [settled]);
  useEffect(() => {
    const v = urlValue ?? '';
    if (v === last.current) return;
    last.current = v;
    setText(v);
  }, [urlValue]);
  return [text, setText];
}
