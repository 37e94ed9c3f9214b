import { replyText } from "@fallback-chat/fake-upstream";
import { expect, type Page, test } from "@playwright/test";

// The demo's default chain (apps/demo/fallback-config.yaml), served offline by fake-upstream.
const PRIMARY = "anthropic/claude-3.5-sonnet";
const SECOND = "openai/gpt-4o";
const REPLY_WORDS = 60; // scripts/serve.mjs's offline scenario

test.beforeEach(async ({ request }) => {
  // Every test starts from healthy models and a clean health state.
  expect((await request.post("/api/chaos", { data: { action: "reset" } })).ok()).toBe(true);
});

async function send(page: Page, text: string) {
  await page.getByLabel("Message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

const lastAnswer = (page: Page) => page.getByTestId("message-assistant").last();

async function chaos(page: Page, action: string, model: string) {
  const perModel = page.locator("details.per-model");
  if (!(await perModel.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await perModel.locator("summary").click();
  }
  await page.getByRole("button", { name: `${action}: ${model}`, exact: true }).click();
  await expect(page.locator(`.chaos li[data-model="${model}"] .state`)).not.toHaveText("healthy");
}

test("the demo starts offline and answers with a streamed, badged reply", async ({
  page,
}, info) => {
  await page.goto("/");
  await expect(page.getByTestId("mode")).toHaveText(
    "Offline mode: simulated providers (fake-upstream)",
  );
  await send(page, "Hello there");
  await expect(page.getByTestId("live-status")).toBeVisible();
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(PRIMARY, { timeout: 15_000 });
  await expect(answer.locator(".bubble")).toHaveText(
    replyText(PRIMARY, "Hello there", REPLY_WORDS),
  );
  await expect(answer.getByTestId("trail")).toHaveCount(0);
  await page.screenshot({ path: info.outputPath("answer.png"), fullPage: true });
});

test("breaking the primary in the chaos panel: the next model answers, and the trail says why", async ({
  page,
}, info) => {
  await page.goto("/");
  await chaos(page, "503", PRIMARY);
  await send(page, "Are you there?");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(SECOND, { timeout: 15_000 });
  await expect(answer.locator(".bubble")).toHaveText(
    replyText(SECOND, "Are you there?", REPLY_WORDS),
  );
  // The timeline tells it at a glance: one bar per attempt on a time axis, failures in words.
  const timeline = answer.getByTestId("timeline");
  await expect(timeline.locator(".bar-row")).toHaveCount(2);
  await expect(timeline.locator(".bar-row").first()).toContainText(`${PRIMARY} unavailable (503)`);
  await expect(timeline.locator(".bar-row").last()).toContainText(`${SECOND} answered`);
  await expect(timeline.locator(".bar.success .first-token")).toHaveCount(1);
  await answer.getByText("1 failed attempt on the way").click();
  await expect(answer.getByTestId("trail")).toContainText(`${PRIMARY} unavailable 503`);
  await expect(answer.getByTestId("trail")).toContainText(`${SECOND} answered`);
  await expect(page.locator(`.health tr[data-model="${PRIMARY}"]`)).toContainText("1 / 1");
  await page.screenshot({ path: info.outputPath("fallback.png"), fullPage: true });
});

test("a model that dies mid-stream: the answer restarts on the next model with no glued text", async ({
  page,
}, info) => {
  await page.goto("/");
  await chaos(page, "Die mid-stream", PRIMARY);
  await send(page, "Tell me a story");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText(SECOND, { timeout: 15_000 });
  // Exactly the second model's answer: nothing of the first one's partial text before it.
  await expect(answer.locator(".bubble")).toHaveText(
    replyText(SECOND, "Tell me a story", REPLY_WORDS),
  );
  // A cut socket is a network failure: the primary is retried (twice) before the fallback.
  const timeline = answer.getByTestId("timeline");
  await expect(timeline.locator(".bar.discarded")).toHaveCount(3);
  await expect(timeline.locator(".bar-row").first()).toContainText(
    `${PRIMARY} cut off mid-answer, retried`,
  );
  await expect(timeline.locator(".bar-row").nth(2)).toContainText(
    `${PRIMARY} cut off mid-answer, restarted on ${SECOND}`,
  );
  await answer.getByText("3 failed attempts on the way").click();
  await expect(answer.getByTestId("trail")).toContainText(
    `${PRIMARY} network 200, mid-stream (discarded)`,
  );
  await page.screenshot({ path: info.outputPath("mid-stream.png"), fullPage: true });
});

test("stop cancels the answer", async ({ page }, info) => {
  await page.goto("/");
  await chaos(page, "Slow", PRIMARY);
  await send(page, "Write a long essay");
  const answer = lastAnswer(page);
  await expect(answer.locator(".bubble")).toContainText(`${PRIMARY}:`, { timeout: 15_000 });
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  await expect(page.getByTestId("live-status")).toHaveCount(0);
  const stopped = (await answer.locator(".bubble").textContent()) ?? "";
  await page.waitForTimeout(800); // at 8 tokens per second, a running stream would have grown
  await expect(answer.locator(".bubble")).toHaveText(stopped);
  expect(stopped.length).toBeLessThan(replyText(PRIMARY, "Write a long essay", REPLY_WORDS).length);
  await page.screenshot({ path: info.outputPath("stopped.png"), fullPage: true });
});

test("a reasoning model thinks first: its reasoning is shown folded above the answer", async ({
  page,
}, info) => {
  await page.goto("/");
  await page.getByLabel("Task").selectOption("reasoning");
  await send(page, "Why is the sky blue?");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("model-badge")).toHaveText("deepseek/deepseek-r1", {
    timeout: 15_000,
  });
  await expect(answer.locator(".bubble")).toHaveText(
    replyText("deepseek/deepseek-r1", "Why is the sky blue?", REPLY_WORDS),
  );
  const reasoning = answer.getByTestId("reasoning");
  await expect(reasoning).toContainText("Reasoning");
  await reasoning.locator("summary").click();
  await expect(reasoning).toContainText("Let me think about this.");
  await page.screenshot({ path: info.outputPath("reasoning.png"), fullPage: true });
});

test.describe("scenario presets, one click each", () => {
  const THIRD = "meta-llama/llama-3.1-70b-instruct";
  async function preset(page: Page, label: string) {
    const applied = page.waitForResponse(
      (r) => r.url().endsWith("/api/chaos") && r.request().method() === "POST",
    );
    await page.getByRole("button", { name: label, exact: true }).click();
    expect((await applied).ok()).toBe(true);
  }

  test("primary outage: the next model answers, the timeline says why", async ({ page }, info) => {
    await page.goto("/");
    await preset(page, "Primary outage");
    await send(page, "Hello?");
    const answer = lastAnswer(page);
    await expect(answer.getByTestId("model-badge")).toHaveText(SECOND, { timeout: 15_000 });
    await expect(answer.getByTestId("timeline")).toContainText(`${PRIMARY} unavailable (503)`);
    await page.screenshot({ path: info.outputPath("primary-outage.png"), fullPage: true });
  });

  test("rate-limit storm: two models cool down, the third answers", async ({ page }, info) => {
    await page.goto("/");
    await preset(page, "Rate-limit storm");
    await send(page, "Hello?");
    const answer = lastAnswer(page);
    await expect(answer.getByTestId("model-badge")).toHaveText(THIRD, { timeout: 15_000 });
    await expect(answer.getByTestId("timeline")).toContainText(`${PRIMARY} rate limited (429)`);
    await expect(answer.getByTestId("timeline")).toContainText(`${SECOND} rate limited (429)`);
    await page.screenshot({ path: info.outputPath("rate-limit-storm.png"), fullPage: true });
  });

  test("everything down: the person is told, with the whole trail", async ({ page }, info) => {
    await page.goto("/");
    await preset(page, "Everything down");
    await send(page, "Hello?");
    await expect(page.getByRole("alert").filter({ hasText: "No model could answer" })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByTestId("chaos")).toBeAttached();
    await page.screenshot({ path: info.outputPath("everything-down.png"), fullPage: true });
  });
});
