const format = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });

/** A moment as the reader's locale writes it, the exact ISO time in the element. */
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  const date = new Date(at);
  return <time dateTime={at}>{Number.isNaN(date.getTime()) ? at : format.format(date)}</time>;
}
