/** A status said in words (colour only repeats it). */
export function Badge({ value, tone }: { value: string; tone?: string }) {
  return <span className={`badge badge-${tone ?? toneOf(value)}`}>{value.replace(/_/g, " ")}</span>;
}

export function toneOf(value: string): string {
  if (["succeeded", "done", "ok", "approved", "applied", "allow", "verified", "created", "ready", "healthy"].includes(value))
    return "good";
  if (["failed", "rejected", "block", "abandoned", "delete", "unhealthy", "replace", "interrupted"].includes(value))
    return "bad";
  if (["running", "applying", "open", "confirm", "changes_requested", "update", "pending", "queued", "waiting"].includes(value))
    return "warn";
  return "plain";
}
