import { expect, test } from "@playwright/test";
import { apiAs, blueprint, deploy, openAs, shot } from "./fixtures";

const first = blueprint(
  "rb",
  `  - {type: network, name: net, provider: fake, specs: {cidr: 10.2.0.0/24}}
  - {type: compute, name: app, provider: fake, specs: {cores: 1, memory: 512M, disk: 8G, image: nginx}, dependencies: [net]}
`,
);

test("a stack is rolled back from its page: the rollback is a plan, applied and followed live, and becomes the next revision", async ({ page }) => {
  const api = await apiAs("alice");
  await deploy(api, first);
  await deploy(api, first.replace("cores: 1", "cores: 2"));

  await openAs(page, "olga", "/stacks/rb"); // an operator: plans and applies, does not review
  await expect(page.locator('tr[data-resource="app"]')).toContainText("cores=2");
  await page.locator('tr[data-revision="1"]').getByRole("button", { name: "Roll back to 1" }).click();

  await expect(page).toHaveURL(/\/plans\/[0-9a-f]{32}$/);
  const update = page.locator('[data-action="update"]');
  await expect(update).toContainText("app (compute, fake) will be updated in place");
  await expect(update).toContainText("cores: 2 → 1");
  await expect(page.getByText("roll stack 'rb' back to revision 1")).toBeVisible();
  await shot(page, "plan-rollback-1280");
  await page.getByRole("button", { name: "Apply this plan" }).click();

  await expect(page).toHaveURL(/\/deployments\/[0-9a-f]{32}$/);
  await expect(page.getByTestId("progress-summary")).toContainText("1 of 1 resources finished", { timeout: 30_000 });
  await expect(page.getByTestId("progress-summary")).toContainText("succeeded");
  await expect(page.getByTestId("verification")).toContainText("verified");
  await shot(page, "deployment-rollback-1280");

  // The same plan applied again is refused, saying what it became; nothing runs.
  await page.goBack();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f]{32}$/);
  await page.getByRole("button", { name: "Apply this plan" }).click();
  await expect(page.getByRole("alert")).toContainText(/already applied|revision 3/);
  await expect(page).toHaveURL(/\/plans\//);
  await page.goForward();

  await page.getByRole("link", { name: "rb revision 3" }).click();
  await expect(page.locator('tr[data-revision="3"]')).toContainText("rollback");
  await expect(page.locator('tr[data-revision="3"]')).toContainText("succeeded");
  await expect(page.locator('tr[data-resource="app"]')).toContainText("cores=1");
});

test("a stack's drift is read from its engines on its page: none after a rollback", async ({ page }) => {
  await openAs(page, "vera", "/stacks/rb"); // reading drift changes nothing: a viewer may
  await page.getByRole("button", { name: "Check drift" }).click();
  const report = page.locator(".drift");
  await expect(report).toContainText("in sync");
  await expect(report).toContainText("0 changed, 0 missing, 0 unmanaged, 2 in sync");
});
