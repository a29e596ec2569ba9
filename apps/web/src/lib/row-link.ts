import { type NavigateOptions, useRouter } from '@tanstack/react-router';
import type { KeyboardEvent, MouseEvent } from 'react';

/** What a click on a row inside one of these is: the control's, not the row's. */
const CONTROLS = 'a, button, input, select, textarea, label';

/**
 * Props that make a table row open a page as a link would: a click or Enter opens it; Ctrl, ⌘ or
 * Shift with a click, a middle click, or Ctrl+Enter open it in a new tab. A click on a control
 * inside the row is the control's, and a click that ends a text selection selects, not opens.
 */
export function useRowLink(): (to: NavigateOptions) => {
  tabIndex: number;
  onClick: (e: MouseEvent) => void;
  onAuxClick: (e: MouseEvent) => void;
  onKeyDown: (e: KeyboardEvent) => void;
} {
  const router = useRouter();
  return (to) => {
    const inNewTab = () => window.open(router.buildLocation(to).href, '_blank', 'noopener');
    const open = () => router.navigate(to);
    const onControl = (e: { target: EventTarget }) => e.target instanceof Element && e.target.closest(CONTROLS) !== null;
    return {
      tabIndex: 0,
      onClick: (e) => {
        if (onControl(e)) return;
        if (e.ctrlKey || e.metaKey || e.shiftKey) inNewTab();
        else if (!window.getSelection()?.toString()) void open();
      },
      onAuxClick: (e) => {
        if (e.button === 1 && !onControl(e)) inNewTab();
      },
      onKeyDown: (e) => {
        if (e.key !== 'Enter' || e.target !== e.currentTarget) return;
        if (e.ctrlKey || e.metaKey) inNewTab();
        else void open();
      },
    };
  };
}
