import { expect, test } from "@playwright/test";
import { scriptBytes, server } from "./fixtures";

// The size budget is deterministic, so the suite holds it (the timings are `npm run budget`'s to report).
test("the first load transfers at most 250 KB of gzip JavaScript, signed in or not, and assets go compressed", async ({ browser }) => {
  const { url, keys } = server();
  for (const key of [null, keys.alice]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (key) await page.addInitScript((k) => sessionStorage.setItem("alma.apiKey", k), key);
    const measured = await scriptBytes(page, `${url}/`, () =>
      key ? expect(page.locator("section.page[data-ready=true]")).toBeVisible() : expect(page.getByLabel("API key")).toBeVisible(),
    );
    expect(measured.files).toBeGreaterThan(0);
    expect(measured.gzipKb).toBeLessThanOrEqual(250);
    expect(measured.gzipKb).toBeLessThan(measured.rawKb / 2); // sent gzip-compressed
    await context.close();
  }
});
