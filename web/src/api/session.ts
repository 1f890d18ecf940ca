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
}
