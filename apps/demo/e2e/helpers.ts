import { expect, type Page, test } from "@playwright/test";

// The demo's default chain (apps/demo/fallback-config.yaml), served offline by fake-upstream.
export const PRIMARY = "anthropic/claude-3.5-sonnet";
export const SECOND = "openai/gpt-4o";
export const THIRD = "meta-llama/llama-3.1-70b-instruct";
export const REPLY_WORDS = 60; // scripts/serve.mjs's offline scenario

/** Every test of the file starts from healthy models and a clean health state. */
export function startHealthy() {
  test.beforeEach(async ({ request }) => {
    expect((await request.post("/api/chaos", { data: { action: "reset" } })).ok()).toBe(true);
  });
}

export async function send(page: Page, text: string) {
  await page.getByLabel("Message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

export const lastAnswer = (page: Page) => page.getByTestId("message-assistant").last();

/** One of the chaos panel's per-model buttons ("503: anthropic/claude-3.5-sonnet"). */
export async function chaos(page: Page, action: string, model: string) {
  const perModel = page.locator("details.per-model");
  if (!(await perModel.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await perModel.locator("summary").click();
  }
  await page.getByRole("button", { name: `${action}: ${model}`, exact: true }).click();
  await expect(page.locator(`.chaos li[data-model="${model}"] .state`)).not.toHaveText("healthy");
}

/**
 * A scenario preset, clicked as a person would; resolves once the chaos API has applied it. A
 * click that lands before React has hydrated the page does nothing (a CI run timed out waiting
 * for it), so the click is repeated until the API answers; applying a preset twice is harmless.
 */
export async function preset(page: Page, label: string) {
  await expect(async () => {
    const applied = page.waitForResponse(
      (r) => r.url().endsWith("/api/chaos") && r.request().method() === "POST",
      { timeout: 2_000 },
    );
    await page.getByRole("button", { name: label, exact: true }).click();
    expect((await applied).ok()).toBe(true);
  }).toPass({ timeout: 15_000 });
}
