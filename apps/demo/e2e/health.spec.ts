import { expect, test } from "@playwright/test";
import { lastAnswer, PRIMARY, preset, SECOND, send, startHealthy } from "./helpers";

startHealthy();

test("health over time: success and first-token sparklines per model, the circuit opening marked", async ({
  page,
}, info) => {
  await page.goto("/");
  const row = page.locator(`.health tr[data-model="${PRIMARY}"]`);
  const success = row.locator("svg.sparkline.success");
  const ttft = row.locator("svg.sparkline.ttft");
  // A healthy answer first: one point on each line, named for screen readers.
  await send(page, "Hello");
  await expect(lastAnswer(page).getByTestId("model-badge")).toHaveText(PRIMARY, {
    timeout: 15_000,
  });
  await expect(success).toHaveAttribute("aria-label", /: 100 % \(0 failed of 1\)$/);
  await expect(ttft).toHaveAttribute("aria-label", /median \d+ ms$/);
  await expect(success.locator("path")).toHaveAttribute("d", /^M/);
  await expect(success.locator(".mark")).toHaveCount(0);

  // Then an outage (a preset starts from a clean health state): three failures in a row open the
  // primary's circuit (consecutive_failures).
  await preset(page, "Primary outage");
  for (const question of ["One", "Two", "Three"]) {
    await send(page, question);
    await expect(page.getByRole("button", { name: "Send" })).toBeVisible({ timeout: 15_000 });
    await expect(lastAnswer(page).getByTestId("model-badge")).toHaveText(SECOND);
  }
  await expect(row.locator(".state")).toHaveText("circuit open");
  await expect(success.locator(".mark.open")).toHaveCount(1);
  await expect(success).toHaveAttribute("aria-label", /: 0 % \(3 failed of 3\); circuit open$/);
  await expect(ttft.locator(".mark.open")).toHaveCount(1);
  await page.screenshot({ path: info.outputPath("health.png"), fullPage: true });
});
