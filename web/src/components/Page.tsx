import { useEffect, useRef, type ReactNode } from "react";

/**
 * One page: its heading gets the focus when the page opens (so a screen reader or keyboard user starts
 * there), the tab's title follows it, and `busy` marks the page while its data loads (the budget
 * benchmark reads it as "interactive").
 */
export function Page({ title, busy, actions, children }: { title: string; busy: boolean; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ALMA`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className="page" aria-busy={busy} data-ready={busy ? "false" : "true"} aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
