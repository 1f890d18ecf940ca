import { expect, test } from "@playwright/test";
import { apiAs, openAs } from "./fixtures";

const broken = `version: "1.0"
name: broken
resources:
  - {type: compute, name: web, provider: fake, specs: {cores: 2, memroy: 1G}, dependencies: [db]}
`;

test("an invalid blueprint shows every problem with its line, and no plan is made", async ({ page }) => {
  await openAs(page, "olga", "/plans/new");
  await page.getByLabel("Blueprint (YAML or JSON)").fill(broken);
  await page.getByRole("button", { name: "Validate" }).click();
  const checked = page.getByRole("status").filter({ hasText: "problem" });
  await expect(checked).toContainText("memroy");
  await expect(checked).toContainText("line 4");
  await expect(checked).toContainText("db");
  await page.getByRole("button", { name: "Plan", exact: true }).click();
  const refused = page.getByRole("alert");
  await expect(refused).toContainText("The blueprint cannot be planned");
  await expect(refused).toContainText("memroy");
  await expect(page).toHaveURL(/\/plans\/new$/);
  expect((await (await apiAs("olga")).get("/api/v1/stacks/broken/state")).status()).toBe(404);
});
