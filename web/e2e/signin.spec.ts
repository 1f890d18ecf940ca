import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { almaBin } from "./server";
import { server, signIn, signOut } from "./fixtures";

function alma(...args: string[]): string {
  const env = { ...process.env, ALMA_HOME: process.env.ALMA_E2E_HOME! };
  return execFileSync(almaBin(), args, { env }).toString();
}

test("a wrong key is refused with the server's reason and nothing is kept", async ({ page }) => {
  await page.goto(`${server().url}/`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("enter an API key");
  await page.getByLabel("API key").fill("alma_not-a-key-anyone-made");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("unknown or revoked API key");
  expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([0, 0, ""]);
});

test("a key is kept in the tab's session storage only, never in a URL, and signing out forgets it", async ({ page }) => {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  await signIn(page, "alice");
  await page.getByRole("link", { name: "Stacks" }).click();
  await expect(page.locator("section.page[data-ready=true]")).toBeVisible();
  const key = server().keys.alice;
  expect(await page.evaluate(() => sessionStorage.getItem("alma.apiKey"))).toBe(key);
  expect(await page.evaluate(() => [localStorage.length, document.cookie])).toEqual([0, ""]);
  expect(urls.filter((u) => u.includes(key))).toEqual([]);
  // A reload stays signed in (the same tab), as the same holder.
  await page.reload();
  await expect(page.getByTestId("acting-as")).toContainText("alice (admin)");
  await signOut(page);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test("a key revoked while the tab is open signs it out on its next request, saying why", async ({ page }) => {
  const key = alma("keys", "create", "--role", "viewer", "--name", "temporary").trim().split("\n").at(-1)!;
  await page.goto(`${server().url}/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("acting-as")).toContainText("temporary (viewer)");
  alma("keys", "revoke", "temporary");
  await page.getByRole("link", { name: "Engines" }).click();
  await expect(page.getByLabel("API key")).toBeVisible();
  await expect(page.getByRole("status")).toContainText("no longer accepts this key");
  expect(await page.evaluate(() => sessionStorage.getItem("alma.apiKey"))).toBeNull();
});
