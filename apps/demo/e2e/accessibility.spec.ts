import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { lastAnswer, preset, SECOND, send, startHealthy } from "./helpers";

startHealthy();

/** axe-core's findings that block someone: serious and critical ones, by rule and element. */
async function blockingViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`no serious accessibility violation, ${colorScheme} mode, with a fallback answer on screen`, async ({
    page,
  }, info) => {
    await page.emulateMedia({ colorScheme });
    await page.goto("/");
    await preset(page, "Primary outage");
    await send(page, "Hello?");
    const answer = lastAnswer(page);
    await expect(answer.getByTestId("model-badge")).toHaveText(SECOND, { timeout: 15_000 });
    // Open what a person would open, so axe sees it: the trail and the per-model controls.
    await answer.getByText("1 failed attempt on the way").click();
    await page.locator("details.per-model summary").click();
    expect(await blockingViolations(page)).toEqual([]);
    await page.screenshot({ path: info.outputPath(`${colorScheme}.png`), fullPage: true });
  });
}

test("no serious accessibility violation while an answer streams (live status and timeline)", async ({
  page,
}) => {
  await page.goto("/");
  await preset(page, "Brownout");
  await send(page, "Take your time");
  await expect(page.getByTestId("live-timeline")).toBeVisible();
  expect(await blockingViolations(page)).toEqual([]);
});

test("on a phone the page keeps one column and never scrolls sideways", async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await preset(page, "Primary outage");
  await send(page, "Hello from a phone");
  await expect(lastAnswer(page).getByTestId("model-badge")).toHaveText(SECOND, {
    timeout: 15_000,
  });
  await page.locator("details.per-model summary").click();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await blockingViolations(page)).toEqual([]);
  await page.screenshot({ path: info.outputPath("phone.png"), fullPage: true });
});
