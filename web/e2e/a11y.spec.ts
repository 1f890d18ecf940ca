import { expect, test, type Page } from "@playwright/test";
import { apiAs, blueprint, deploy, expectAccessible, openAs, server, shot } from "./fixtures";

// Every page, at a desktop width and a phone width: axe finds no serious or critical violation, the page
// does not scroll sideways (tables scroll inside their own focusable regions), and a screenshot is kept.
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

async function settled(page: Page): Promise<void> {
  await expect(page.locator("section.page[data-ready=true]")).toBeVisible();
  await expect(page.getByText("Loading…")).toHaveCount(0);
}

async function fitsWidth(page: Page, width: number, where: string): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, `${where} scrolls sideways at ${width} px`).toBeLessThanOrEqual(width);
}

test("every page is accessible and usable at 1280 px and 390 px", async ({ page }) => {
  test.setTimeout(180_000);
  const alice = await apiAs("alice");
  const tour = blueprint(
    "tour",
    `  - {type: network, name: net, provider: fake, specs: {cidr: 10.5.0.0/24}}
  - {type: storage, name: data, provider: fake, specs: {size: 5}}
  - {type: compute, name: app-server-with-a-long-name, provider: fake, specs: {cores: 2, memory: 1G, disk: 8G, image: nginx, tags: [web, public]}, dependencies: [net, data]}
`,
  );
  const { deployment_id } = await deploy(alice, tour);
  const planned = await alice.post("/api/v1/plans", { data: tour.replace("10.5.0.0/24", "10.5.1.0/24"), headers: { "Content-Type": "text/plain" } });
  const plan = (await planned.json()) as { plan_id: string };
  const opened = await alice.post("/api/v1/iprs", { data: { plan_id: plan.plan_id, title: "Move tour to a new range", description: "The old range is needed elsewhere." } });
  const ipr = (await opened.json()) as { id: number };

  const pages: Array<[string, string]> = [
    ["chat", "/chat"],
    ["stacks", "/stacks"],
    ["stack", "/stacks/tour"],
    ["plan-new", "/plans/new"],
    ["plan", `/plans/${plan.plan_id}`],
    ["iprs", "/iprs"],
    ["ipr", `/iprs/${ipr.id}`],
    ["deployments", "/deployments"],
    ["deployment", `/deployments/${deployment_id}`],
    ["engines", "/engines"],
    ["events", "/events?stack=tour"],
  ];
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    // The sign-in page, before any key.
    await page.goto(`${server().url}/`);
    await expect(page.getByLabel("API key")).toBeVisible();
    await expectAccessible(page, `sign-in at ${size.width}`);
    await fitsWidth(page, size.width, "sign-in");
    await shot(page, `signin-${size.width}`);
  }
  await openAs(page, "alice", "/stacks");
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    for (const [name, path] of pages) {
      await page.goto(`${server().url}${path}`);
      await settled(page);
      if (name === "stack") await expect(page.locator("[data-graph-ready=true]")).toBeVisible();
      if (name === "deployment") await expect(page.getByTestId("verification")).toContainText("verified");
      await expectAccessible(page, `${name} at ${size.width}`);
      await fitsWidth(page, size.width, name);
      await shot(page, `${name}-${size.width}`);
    }
  }
});
