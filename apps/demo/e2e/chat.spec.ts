import { replyText } from "@fallback-chat/fake-upstream";
import { expect, test } from "@playwright/test";
import { chaos, lastAnswer, PRIMARY, REPLY_WORDS, SECOND, send, startHealthy } from "./helpers";

startHealthy();

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
  // Both slow, so the primary's answer (2.5 s) beats the hedge started at 1.5 s on the second.
  await chaos(page, "Slow", PRIMARY);
  await chaos(page, "Slow", SECOND);
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
