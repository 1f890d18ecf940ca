import type { ReactNode } from "react";

/** A region that scrolls sideways on narrow screens; focusable, so a keyboard can scroll it too. */
export function Scroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
