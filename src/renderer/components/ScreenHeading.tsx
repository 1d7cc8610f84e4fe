import type { ReactNode } from 'react';

/** A screen's title: F-key navigation moves focus here, so screen readers announce where the cashier is. */
export function ScreenHeading({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <h2 className="screen-title" id={id} tabIndex={-1} data-screen-heading="">
      {children}
    </h2>
  );
}
