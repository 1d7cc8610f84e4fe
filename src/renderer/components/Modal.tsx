import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** Where focus was before the first dialog opened: it goes back there when the last one closes. */
let returnTo: HTMLElement | null = null;

/** An element where Enter starts a payment (the amount form) or passes a cancel confirmation. */
const movesMoneyOnEnter = (element: HTMLElement): boolean => !!element.closest('.confirm-box') || !!element.closest('form')?.querySelector('[data-amount-entry]');

/** True while a dialog owns the keyboard: window-wide shortcuts (F-keys, digits, Escape) stand aside. */
export const dialogOpen = (): boolean => document.querySelector('[data-modal-open]') !== null;

/**
 * A dialog that owns the keyboard until it closes: the page behind is inert (no focus, no clicks), Tab stays
 * inside, and no key pressed inside reaches the window's shortcuts — Enter and Escape act on the dialog only.
 * Focus starts on `initialFocus` (or the dialog itself, so a stray Enter does nothing) and goes back after —
 * to the screen heading instead of a place where Enter would pay or cancel.
 * When one dialog follows another (the next refund request in the queue), focus stays in the new one: its PIN
 * field keeps the focus it took, and nothing behind gets it in between.
 */
export function Modal({
  labelledBy,
  describedBy,
  initialFocus,
  onEscape,
  testId,
  children,
}: {
  labelledBy: string;
  describedBy?: string;
  initialFocus?: RefObject<HTMLElement | null>;
  /** What Escape does here (nothing when absent: a decision about money is never made by Escape). */
  onEscape?: () => void;
  testId?: string;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  // Read while rendering, before a field inside takes focus itself (autoFocus runs before any effect).
  const [outside] = useState(() => {
    const active = typeof document === 'undefined' ? null : document.activeElement;
    return active instanceof HTMLElement && !active.closest('[data-modal-open]') && active !== document.body ? active : null;
  });
  useEffect(() => {
    if (outside) returnTo = outside;
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    // A field inside that took focus itself (autoFocus) keeps it; otherwise the chosen element, or the dialog.
    if (!dialog.current?.contains(document.activeElement)) (initialFocus?.current ?? dialog.current)?.focus();
    return () => {
      // This dialog's elements are gone already; another one still open (or just opened) keeps the keyboard.
      if (dialogOpen()) {
        if (!document.activeElement?.closest('[data-modal-open]')) [...document.querySelectorAll<HTMLElement>('[data-modal-open] [role="alertdialog"]')].at(-1)?.focus();
        return;
      }
      root?.removeAttribute('inert');
      // Back where the cashier was — unless Enter there would pay or cancel (a second Enter meant for the dialog
      // must land on nothing), or it is gone: then the screen's heading (digits typed still reach the amount).
      const target = returnTo?.isConnected && !movesMoneyOnEnter(returnTo) ? returnTo : document.querySelector<HTMLElement>('main [data-screen-heading]');
      returnTo = null;
      target?.focus();
    };
    // Focus is placed once, when the dialog opens.
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onEscape?.();
    } else if (event.key === 'Tab') {
      const items = [...(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
      if (items.length === 0) return event.preventDefault();
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || active === dialog.current)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    } else if (/^F\d+$/.test(event.key)) {
      event.preventDefault(); // no screen changes behind a decision
    }
  };

  return createPortal(
    <div className="modal-backdrop" data-modal-open="">
      <div ref={dialog} className="modal" role="alertdialog" aria-modal="true" aria-labelledby={labelledBy} aria-describedby={describedBy} tabIndex={-1} onKeyDown={onKeyDown} data-testid={testId}>
        {children}
      </div>
    </div>,
    document.body,
  );
}
