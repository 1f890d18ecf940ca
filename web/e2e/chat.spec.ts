import { expect, test } from "@playwright/test";
import { apiAs, expectAccessible, progressStates, recordProgressStates, shot, signIn } from "./fixtures";

test("a request in chat becomes a plan, is confirmed under that plan, runs live and lands in the stack's state", async ({ page }) => {
  await recordProgressStates(page);
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await signIn(page, "alice");
  await expect(page.getByRole("heading", { name: "Chat" })).toBeVisible();

  await page.getByLabel("Message").fill("create a stack called chatshop with two nginx web servers and a postgres database");
  await page.getByRole("button", { name: "Send" }).click();
  const reply = page.getByRole("article", { name: "ALMA said" }).last();
  await expect(reply.locator('[data-action="create"]')).toHaveCount(4);
  await expect(reply).toContainText("Plan: 4 to add, 0 to change, 0 to replace, 0 to destroy, 0 unchanged.");
  await expect(reply).toContainText("operator"); // the persona
  await expect(reply).toContainText("risk: allow");
  await expectAccessible(page, "chat with a plan");
  await shot(page, "chat-plan-1280");

  // Shown, not applied: the stack does not exist until the plan is confirmed.
  const api = await apiAs("alice");
  expect((await api.get("/api/v1/stacks/chatshop/state")).status()).toBe(404);

  await reply.getByRole("button", { name: "Confirm and apply this plan" }).click();
  const progress = page.getByRole("region", { name: "Deployment progress" });
  await expect(progress.getByTestId("progress-summary")).toContainText("4 of 4 resources finished", { timeout: 30_000 });
  await expect(progress.getByTestId("progress-summary")).toContainText("succeeded");
  await expect(progress.getByTestId("verification")).toContainText("verified");
  await expect(page.getByRole("article", { name: "ALMA said" }).last()).toContainText("Applied: stack 'chatshop' is at revision 1");
  // The confirmed plan's button is gone: a plan is confirmed once.
  await expect(page.getByRole("button", { name: "Confirm and apply this plan" })).toHaveCount(0);

  // Followed live: the last resource in the chain was seen waiting, running, then done, over a WebSocket
  // whose URL carries no key.
  const states = await progressStates(page);
  expect(states.web).toContain("running");
  expect(states.web!.at(-1)).toBe("done");
  expect(sockets.length).toBeGreaterThan(0);
  for (const url of sockets) {
    expect(url).toMatch(/\/ws\/deployments\/[0-9a-f]{32}\?after=\d+$/);
    expect(url).not.toContain("alma_");
  }
  await shot(page, "chat-applied-1280");

  await progress.getByRole("link", { name: "stack chatshop" }).click();
  await expect(page.getByRole("heading", { name: "Stack chatshop" })).toBeVisible();
  const table = page.getByTestId("state-table");
  for (const name of ["net", "db-data", "db", "web"]) await expect(table.locator(`tr[data-resource="${name}"]`)).toBeVisible();
  await expect(page.locator('tr[data-revision="1"]')).toContainText("succeeded");
  await expect(page.locator("[data-graph-ready=true]")).toBeVisible();
  await shot(page, "stack-chatshop-1280");
});
