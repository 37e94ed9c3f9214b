import { replyText } from "@fallback-chat/fake-upstream";
import { expect, test } from "@playwright/test";
import {
  lastAnswer,
  PRIMARY,
  preset,
  REPLY_WORDS,
  SECOND,
  send,
  startHealthy,
  THIRD,
} from "./helpers";

// Each scenario preset, one click, and what the person then sees: badge, timeline bars, labels.
startHealthy();

test("primary outage: the next model answers, the timeline says why", async ({ page }, info) => {
  await page.goto("/");
  await preset(page, "Primary outage");
  await send(page, "Hello?");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(SECOND, { timeout: 15_000 });
  const bars = answer.getByTestId("timeline").locator(".bar-row");
  await expect(bars).toHaveCount(2);
  await expect(bars.first()).toContainText(`${PRIMARY} unavailable (503)`);
  await expect(bars.first().locator(".bar.failed")).toHaveCount(1);
  await expect(bars.last()).toContainText(`${SECOND} answered`);
  await page.screenshot({ path: info.outputPath("primary-outage.png"), fullPage: true });
});

test("rate-limit storm: two models cool down for their Retry-After, the third answers", async ({
  page,
}, info) => {
  await page.goto("/");
  await preset(page, "Rate-limit storm");
  await send(page, "Hello?");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(THIRD, { timeout: 15_000 });
  const timeline = answer.getByTestId("timeline");
  await expect(timeline).toContainText(`${PRIMARY} rate limited (429), cooling down 15 s`);
  await expect(timeline).toContainText(`${SECOND} rate limited (429), cooling down 15 s`);
  // Both sit out their Retry-After: the health panel says so.
  await expect(page.locator(`.health tr[data-model="${PRIMARY}"] .state`)).toHaveText(
    "cooling down",
  );
  await page.screenshot({ path: info.outputPath("rate-limit-storm.png"), fullPage: true });
});

test("brownout: a hedge starts the next model beside the slow primary, the first to answer wins", async ({
  page,
}, info) => {
  await page.goto("/");
  await preset(page, "Brownout");
  await send(page, "Are you slow today?");
  // While it waits, a live bar runs for the primary; after 1.5 s a hedge runs beside it.
  const live = page.getByTestId("live-timeline");
  await expect(live).toContainText(`${PRIMARY} waiting for the first token`);
  await expect(live.locator(".bar.running")).toHaveCount(2, { timeout: 5_000 });
  await page.screenshot({ path: info.outputPath("brownout-hedging.png"), fullPage: true });
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(SECOND, { timeout: 15_000 });
  await expect(answer.locator(".bubble")).toHaveText(
    replyText(SECOND, "Are you slow today?", REPLY_WORDS),
  );
  await expect(live).toHaveCount(0);
  // Two bars on one time axis: the primary from the question, the hedge from 1.5 s, overlapping.
  const rows = answer.getByTestId("timeline").locator(".bar-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText(`${PRIMARY} lost the hedge race`);
  await expect(rows.last()).toContainText(`${SECOND} answered`);
  // The slow primary did not fail: it lost the race, and the summary says so.
  await expect(answer.getByTestId("trail").locator("summary")).toHaveText("1 lost race on the way");
  const span = async (row: number) => {
    const style = (await rows.nth(row).locator(".bar").getAttribute("style")) ?? "";
    const [left, width] = [/left: ([\d.]+)%/, /width: ([\d.]+)%/].map((re) =>
      Number(re.exec(style)?.[1]),
    );
    return { from: left as number, to: (left as number) + (width as number) };
  };
  const [primary, hedge] = [await span(0), await span(1)];
  expect(primary.from).toBeLessThan(1); // at the question (health's checks take a moment)
  expect(hedge.from).toBeGreaterThan(0);
  expect(primary.to).toBeGreaterThan(hedge.from); // they overlap
  await page.screenshot({ path: info.outputPath("brownout.png"), fullPage: true });
});

test("flaky network mid-stream: a cut answer is thrown away and restarted, never glued", async ({
  page,
}, info) => {
  test.setTimeout(60_000);
  await page.goto("/");
  await preset(page, "Flaky network mid-stream");
  // Half of the primary's streams are cut (seeded): ask until one answer met a cut.
  let cut = false;
  for (let i = 1; i <= 6 && !cut; i++) {
    const question = `Question number ${i}`;
    await send(page, question);
    const answer = lastAnswer(page);
    await expect(page.getByRole("button", { name: "Send" })).toBeVisible({ timeout: 20_000 });
    const badge = (await answer.getByTestId("model-badge").textContent()) ?? "";
    // Whoever answered, the bubble is exactly their answer: nothing of a cut stream before it.
    await expect(answer.locator(".bubble")).toHaveText(replyText(badge, question, REPLY_WORDS));
    const discarded = answer.getByTestId("timeline").locator(".bar-row.discarded");
    if ((await discarded.count()) > 0) {
      cut = true;
      await expect(discarded.first()).toContainText(`${PRIMARY} cut off mid-answer`);
      await expect(answer.getByTestId("timeline").locator(".bar-row").last()).toContainText(
        `${badge} answered`,
      );
    }
  }
  expect(cut, "one of six answers met a cut stream").toBe(true);
  await page.screenshot({ path: info.outputPath("flaky-network.png"), fullPage: true });
});

test("everything down: the person is told, with the whole trail", async ({ page }, info) => {
  await page.goto("/");
  await preset(page, "Everything down");
  await send(page, "Hello?");
  await expect(page.getByRole("alert").filter({ hasText: "No model could answer" })).toBeVisible({
    timeout: 20_000,
  });
  await page.screenshot({ path: info.outputPath("everything-down.png"), fullPage: true });
});

test("heal all: after an outage, the primary answers again", async ({ page }, info) => {
  await page.goto("/");
  await preset(page, "Primary outage");
  await send(page, "First");
  await expect(lastAnswer(page).getByTestId("model-badge")).toHaveText(SECOND, {
    timeout: 15_000,
  });
  await page.getByRole("button", { name: "Heal all and reset health" }).click();
  await expect(page.locator(`.health tr[data-model="${PRIMARY}"] .state`)).toHaveText("available");
  await send(page, "Second");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(PRIMARY, { timeout: 15_000 });
  await expect(answer.getByTestId("timeline")).toHaveCount(0); // nothing failed on the way
  await page.screenshot({ path: info.outputPath("heal-all.png"), fullPage: true });
});
