// What the browser tests share: the live server's URL and keys (from global-setup), signing in, the API
// as a given key (to set up stacks through the same public API), screenshots kept as artifacts, and axe.
import AxeBuilder from "@axe-core/playwright";
import { expect, request, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type Who = "alice" | "bob" | "olga" | "vera"; // admin, approver, operator, viewer

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "../test-results/screenshots");

export function server(): { url: string; keys: Record<Who, string> } {
  const url = process.env.ALMA_E2E_URL;
  const keys = process.env.ALMA_E2E_KEYS;
  if (!url || !keys) throw new Error("no server: the browser tests run through playwright's global setup");
  return { url, keys: JSON.parse(keys) as Record<Who, string> };
}

/** Signs in through the sign-in form, as a person would. */
export async function signIn(page: Page, who: Who): Promise<void> {
  const { url, keys } = server();
  await page.goto(`${url}/`);
  await page.getByLabel("API key").fill(keys[who]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("acting-as")).toContainText(who);
}

/** Opens `path` already signed in (the key put where the sign-in form puts it: this tab's session storage). */
export async function openAs(page: Page, who: Who, path: string): Promise<void> {
  const { url, keys } = server();
  // Once per tab: a later sign-out (or sign-in as someone else) in the same test must stick.
  await page.addInitScript((key) => {
    if (sessionStorage.getItem("e2e.seeded")) return;
    sessionStorage.setItem("e2e.seeded", "1");
    sessionStorage.setItem("alma.apiKey", key);
  }, keys[who]);
  await page.goto(`${url}${path}`);
  await expect(page.getByTestId("acting-as")).toContainText(who);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByLabel("API key")).toBeVisible();
}

export async function apiAs(who: Who): Promise<APIRequestContext> {
  const { url, keys } = server();
  return request.newContext({ baseURL: url, extraHTTPHeaders: { "X-API-Key": keys[who] } });
}

/** Plans and applies a blueprint through the API (inline: answers when the run has ended). */
export async function deploy(api: APIRequestContext, blueprint: string): Promise<{ plan_id: string; deployment_id: string }> {
  const planned = await api.post("/api/v1/plans", { data: blueprint, headers: { "Content-Type": "text/plain" } });
  expect(planned.status(), await planned.text()).toBe(201);
  const plan = (await planned.json()) as { plan_id: string };
  const applied = await api.post(`/api/v1/plans/${plan.plan_id}/apply`);
  expect(applied.status(), await applied.text()).toBe(200);
  const run = (await applied.json()) as { deployment_id: string; outcome: string };
  expect(run.outcome).toBe("succeeded");
  return { plan_id: plan.plan_id, deployment_id: run.deployment_id };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`);
  expect(described, `axe on ${where}`).toEqual([]);
}

/** Records every state each progress row shows, in order (a row's `data-state` as it changes). */
export async function recordProgressStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { progressStates: Record<string, string[]> }).progressStates = seen;
    const note = (row: Element) => {
      const name = row.getAttribute("data-resource");
      const state = row.getAttribute("data-state");
      if (!name || !state) return;
      const list = (seen[name] ??= []);
      if (list.at(-1) !== state) list.push(state);
    };
    new MutationObserver((changes) => {
      for (const change of changes) {
        const target = change.target as Element;
        if (change.type === "attributes" && target.matches?.("tr[data-state]")) note(target);
        for (const added of Array.from(change.addedNodes)) {
          if (added instanceof Element) added.querySelectorAll("tr[data-state]").forEach(note);
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
  });
}

export async function progressStates(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => (window as unknown as { progressStates: Record<string, string[]> }).progressStates);
}

export function blueprint(stack: string, resources: string): string {
  return `version: "1.0"\nname: ${stack}\nresources:\n${resources}`;
}

/** Presses Tab until the focused element is the one named `name` (its text, label or aria-label). */
export async function tabTo(page: Page, name: string | RegExp, maxPresses = 80): Promise<void> {
  const wanted = typeof name === "string" ? new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : name;
  const seen: string[] = [];
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return "";
      const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
      return (el.getAttribute("aria-label") ?? labelled ?? el.textContent ?? "").trim();
    });
    seen.push(focused);
    if (wanted.test(focused)) return;
  }
  throw new Error(`Tab never reached ${String(name)}; focus went through: ${seen.join(" | ")}`);
}

/** The JavaScript a page load transfers: files, bytes on the wire (gzip) and uncompressed. */
export async function scriptBytes(page: Page, url: string, settled: () => Promise<unknown>) {
  const responses: Array<Promise<{ wire: number; body: number }>> = [];
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    responses.push(
      (async () => {
        const sizes = await response.request().sizes();
        return { wire: sizes.responseBodySize, body: (await response.body()).length };
      })(),
    );
  });
  await page.goto(url);
  await settled();
  const all = await Promise.all(responses);
  return { files: all.length, gzipKb: all.reduce((n, r) => n + r.wire, 0) / 1024, rawKb: all.reduce((n, r) => n + r.body, 0) / 1024 };
}
