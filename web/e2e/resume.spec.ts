import { expect, test } from "@playwright/test";
import { apiAs, blueprint, openAs } from "./fixtures";

// A chain: each resource waits for the one before, so the run lasts long enough to drop its stream.
const chain = blueprint(
  "chain",
  `  - {type: network, name: n1, provider: fake, specs: {cidr: 10.4.0.0/24}}
  - {type: storage, name: s1, provider: fake, specs: {size: 1}, dependencies: [n1]}
  - {type: compute, name: c1, provider: fake, specs: {cores: 1, memory: 256M, disk: 1G, image: nginx}, dependencies: [s1]}
  - {type: service, name: w1, provider: fake, specs: {image: nginx, replicas: 1}, dependencies: [c1]}
`,
);

test("a live deployment whose connection drops reconnects after the last event it got, missing nothing and repeating nothing", async ({ page }) => {
  const planned = await (await apiAs("alice")).post("/api/v1/plans", { data: chain, headers: { "Content-Type": "text/plain" } });
  const plan = (await planned.json()) as { plan_id: string };

  const urls: string[] = [];
  const receivedIds: number[] = [];
  let dropped = false;
  // Between the page and the real server: the first connection is cut after its third event.
  await page.routeWebSocket(/\/ws\/deployments\//, (ws) => {
    urls.push(ws.url());
    const server = ws.connectToServer();
    let forwarded = 0;
    server.onMessage((message) => {
      const item = JSON.parse(String(message)) as { id?: number };
      if (typeof item.id === "number") receivedIds.push(item.id);
      ws.send(message);
      forwarded += 1;
      if (!dropped && forwarded === 3) {
        dropped = true;
        void ws.close({ code: 4000, reason: "the test cuts the connection" });
        void server.close();
      }
    });
  });

  await openAs(page, "alice", `/plans/${plan.plan_id}`);
  await page.getByRole("button", { name: "Apply this plan" }).click();
  await expect(page).toHaveURL(/\/deployments\/[0-9a-f]{32}$/);
  await expect(page.getByTestId("progress-summary")).toContainText("4 of 4 resources finished", { timeout: 30_000 });
  await expect(page.getByTestId("progress-summary")).toContainText("succeeded");

  expect(urls.length).toBeGreaterThanOrEqual(2);
  expect(urls[0]).toMatch(/\?after=\d+$/); // after the events the page read before going live
  expect(urls[1]).toMatch(new RegExp(`\\?after=${receivedIds[2]}$`));

  // The events the page shows are the deployment's events, each once, in order.
  const deploymentId = page.url().split("/").at(-1)!;
  const events = (await (await (await apiAs("alice")).get(`/api/v1/deployments/${deploymentId}/events`)).json()) as Array<{ id: number; kind: string }>;
  const shown = await page.getByRole("region", { name: "Events of this deployment" }).locator("tbody tr td:first-child").allTextContents();
  const upToFinal = events.slice(0, events.findIndex((e) => e.kind === "deployment.succeeded") + 1).map((e) => String(e.id));
  expect(shown.slice(0, upToFinal.length)).toEqual(upToFinal);
  expect(new Set(shown).size).toBe(shown.length);
});
