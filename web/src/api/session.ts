// Where the API key lives while the tab is open: session storage (gone when the tab closes, never in a
// URL, never in local storage or a cookie). It is sent as the X-API-Key header on every request, and as a
// WebSocket subprotocol (`alma.key.KEY`) on live streams, which browsers cannot give headers.
const STORAGE_KEY = "alma.apiKey";

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem("alma.holder");
}

// Who the key said its holder is (name and role: nothing secret), kept beside it so a reload shows the
// page at once; the key is checked with the server again in the background.
const HOLDER_KEY = "alma.holder";

export function storedHolder(): { name: string; role: string } | null {
  const text = sessionStorage.getItem(HOLDER_KEY);
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as { name?: unknown; role?: unknown };
    return typeof parsed.name === "string" && typeof parsed.role === "string" ? { name: parsed.name, role: parsed.role } : null;
  } catch {
    return null;
  }
}

export function storeHolder(holder: { name: string; role: string }): void {
  sessionStorage.setItem(HOLDER_KEY, JSON.stringify({ name: holder.name, role: holder.role }));
}
