import { expect, test } from "@playwright/test";
import { apiAs, blueprint, deploy, expectAccessible, openAs, shot, signIn, signOut, tabTo } from "./fixtures";

const before = blueprint(
  "shop",
  `  - {type: network, name: net, provider: fake, specs: {cidr: 10.0.0.0/24}}
  - {type: compute, name: web, provider: fake, specs: {cores: 1, memory: 512M, disk: 8G, image: nginx}, dependencies: [net]}
`,
);
const renumbered = before.replace("10.0.0.0/24", "10.0.1.0/24");

test("a blueprint with a replace goes through an IPR: its author cannot approve, another key approves by keyboard alone, then it is applied live", async ({ page }) => {
  await deploy(await apiAs("alice"), before);

  // alice plans the change in the browser: a replace, so it needs an approved IPR.
  await openAs(page, "alice", "/plans/new");
  await page.getByLabel("Blueprint (YAML or JSON)").fill(renumbered);
  await page.getByRole("button", { name: "Plan", exact: true }).click();
  const replace = page.locator('[data-action="replace"]');
  await expect(replace).toContainText("net (network, fake) must be replaced");
  await expect(replace).toContainText('cidr: "10.0.0.0/24" → "10.0.1.0/24" forces replacement');
  await expect(page.getByRole("note", { name: "Why this plan needs approval" })).toContainText("it replaces net");
  await expect(page.getByRole("button", { name: "Apply this plan" })).toHaveCount(0);
  await shot(page, "plan-replace-1280");

  await page.getByLabel("Title").fill("Renumber the shop network");
  await page.getByRole("button", { name: "Open IPR" }).click();
  await expect(page.getByRole("heading", { name: /IPR #\d+: Renumber the shop network/ })).toBeVisible();
  const iprUrl = page.url();
  await expect(page.getByTestId("ipr-status")).toHaveText("open");

  // The author's approval is refused by the server, which says why; nothing changes.
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("alert")).toContainText("alice opened or revised IPR");
  await expect(page.getByRole("alert")).toContainText("cannot approve it");
  await expect(page.getByTestId("ipr-status")).toHaveText("open");
  await expect(page.getByTestId("ipr-approvals")).toContainText("0 of 1");
  await shot(page, "ipr-author-refused-1280");
  await signOut(page);

  // bob (approver) signs in, finds the IPR and approves it with the keyboard only.
  await page.locator("body").focus();
  await tabTo(page, "API key");
  await page.keyboard.type(JSON.parse(process.env.ALMA_E2E_KEYS!).bob);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("acting-as")).toContainText("bob");
  await tabTo(page, "IPRs");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Infrastructure Pull Requests" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Renumber the shop network" })).toBeVisible();
  await tabTo(page, "Renumber the shop network");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: /Renumber the shop network/ })).toBeVisible();
  expect(page.url()).toBe(iprUrl);
  await expectAccessible(page, "IPR review page");
  await tabTo(page, "Comment");
  await page.keyboard.type("The new range is free; approved.");
  await tabTo(page, "Approve");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("ipr-status")).toHaveText("approved");
  await expect(page.getByTestId("ipr-approvals")).toContainText("1 of 1 needed (bob)");
  await expect(page.getByRole("status")).toContainText("You approved IPR");
  await expect(page.locator("blockquote", { hasText: "The new range is free; approved." })).toBeVisible();
  // An approver may not apply: no button for it.
  await expect(page.getByRole("button", { name: "Apply the approved plan" })).toHaveCount(0);
  await shot(page, "ipr-approved-1280");
  await signOut(page);

  // alice applies exactly the approved plan and watches it.
  await signIn(page, "alice");
  await page.goto(iprUrl);
  await page.getByRole("button", { name: "Apply the approved plan" }).click();
  await expect(page).toHaveURL(/\/deployments\/[0-9a-f]{32}$/);
  await expect(page.getByTestId("progress-summary")).toContainText("succeeded", { timeout: 30_000 });
  await expect(page.locator('tr[data-resource="net"]')).toHaveAttribute("data-state", "done");
  await expect(page.locator('tr[data-resource="net"]')).toContainText("replace");
  await expect(page.getByTestId("verification")).toContainText("verified");
  await shot(page, "deployment-ipr-1280");

  await page.goto(iprUrl);
  await expect(page.getByTestId("ipr-status")).toHaveText("applied");
  const audit = page.getByRole("region", { name: /Audit trail of IPR/ });
  for (const kind of ["ipr.created", "ipr.review.approve", "ipr.approved"]) await expect(audit.locator(`tr[data-kind="${kind}"]`)).toHaveCount(1);
});
