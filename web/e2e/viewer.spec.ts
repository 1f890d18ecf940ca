import { expect, test } from "@playwright/test";
import { apiAs, blueprint, deploy, openAs, shot } from "./fixtures";

// Any button whose name says it changes something (the viewer may use Refresh, Validate, zoom, Sign out).
const MUTATING = /confirm|apply|approve|request changes|reject|roll back|destroy|open ipr|^plan$|close|comment|resume|send|new conversation/i;

test("a viewer key sees no control that changes anything, and the API refuses it anyway", async ({ page }) => {
  const alice = await apiAs("alice");
  const { deployment_id } = await deploy(
    alice,
    blueprint("viewed", "  - {type: network, name: net, provider: fake, specs: {cidr: 10.3.0.0/24}}\n"),
  );
  const planned = await alice.post("/api/v1/stacks/viewed/destroy");
  const plan = (await planned.json()) as { plan_id: string };
  const opened = await alice.post("/api/v1/iprs", { data: { plan_id: plan.plan_id, title: "Tear down viewed" } });
  const ipr = (await opened.json()) as { id: number };

  await openAs(page, "vera", "/stacks");
  await expect(page.getByTestId("acting-as")).toContainText("vera (viewer)");
  const pages = [
    "/chat",
    "/stacks",
    "/stacks/viewed",
    "/plans/new",
    `/plans/${plan.plan_id}`,
    "/iprs",
    `/iprs/${ipr.id}`,
    "/deployments",
    `/deployments/${deployment_id}`,
    "/engines",
    "/events?stack=viewed",
  ];
  for (const path of pages) {
    await page.goto(`${process.env.ALMA_E2E_URL}${path}`);
    await expect(page.locator("section.page[data-ready=true]")).toBeVisible();
    const names = await page.locator("main").getByRole("button").evaluateAll((buttons) => buttons.map((b) => (b.getAttribute("aria-label") ?? b.textContent ?? "").trim()));
    expect(names.filter((n) => MUTATING.test(n)), `mutating controls on ${path}`).toEqual([]);
    expect(await page.getByRole("textbox", { name: "Message" }).count()).toBe(0);
  }
  await page.goto(`${process.env.ALMA_E2E_URL}/iprs/${ipr.id}`);
  await expect(page.getByRole("heading", { name: /Tear down viewed/ })).toBeVisible();
  await shot(page, "ipr-as-viewer-1280");

  const vera = await apiAs("vera");
  expect((await vera.post(`/api/v1/iprs/${ipr.id}/reviews`, { data: { verdict: "approve" } })).status()).toBe(403);
  expect((await vera.post(`/api/v1/plans/${plan.plan_id}/apply`)).status()).toBe(403);
  expect((await vera.post("/api/v1/conversation/chat", { data: { message: "destroy viewed" } })).status()).toBe(403);
});
