import { expect, test } from "@playwright/test";

test("the demo starts offline on fake-upstream", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "fallback-chat" })).toBeVisible();
  await expect(page.getByTestId("mode")).toContainText(
    /Offline mode: simulated providers \(fake-upstream at http:\/\/127\.0\.0\.1:\d+\/v1\)/,
  );
});
