import { expect, test } from "@playwright/test";

// The demo's own chaos API: bad input gets a 4xx JSON error saying what is wrong.
test("the chaos API rejects bad input with a clear 4xx", async ({ request }) => {
  const cases: [unknown, RegExp][] = [
    [{ action: "explode", model: "openai/gpt-4o" }, /^action: /],
    [{ action: "fail-503" }, /^model: one of /],
    [{ action: "fail-503", model: "nobody/nothing" }, /^model: one of /],
    [{ action: "heal", model: "openai/gpt-4o", extra: 1 }, /extra/],
    [{ action: "preset" }, /^preset: one of primary-outage, /],
    [{ action: "preset", preset: "meteor-strike" }, /^preset: /],
  ];
  for (const [data, message] of cases) {
    const response = await request.post("/api/chaos", { data });
    expect(response.status(), JSON.stringify(data)).toBe(400);
    expect((await response.json()).error.message).toMatch(message);
  }
  const notJson = await request.post("/api/chaos", {
    data: Buffer.from("{"), // raw bytes: a string would be sent as a JSON string
    headers: { "content-type": "application/json" },
  });
  expect(notJson.status()).toBe(400);
  expect((await notJson.json()).error.message).toBe("The body is not valid JSON");
});

test("the chat API rejects a bad body with a 4xx, through the demo", async ({ request }) => {
  const response = await request.post("/api/chat", { data: { messages: [], model: "x/y" } });
  expect(response.status()).toBe(400);
  expect((await response.json()).error.code).toBe("invalid_request");
});

test("the chaos panel shows the API's error instead of crashing when fake-upstream is gone", async ({
  page,
}) => {
  const gone = { error: { message: "fake-upstream is not reachable" } };
  await page.route("**/api/chaos", (route) =>
    route.fulfill({ status: 502, contentType: "application/json", body: JSON.stringify(gone) }),
  );
  const crashes: string[] = [];
  page.on("pageerror", (error) => crashes.push(error.message));
  await page.goto("/");
  await expect(page.getByTestId("chaos-error")).toHaveText("fake-upstream is not reachable");
  await page.getByRole("button", { name: "Heal all and reset health" }).click();
  await expect(page.getByTestId("chaos-error")).toHaveText("fake-upstream is not reachable");
  await expect(page.getByLabel("Message")).toBeVisible(); // the chat still works
  expect(crashes).toEqual([]);
});

test("the task and tier pickers offer what the route's config defines", async ({ page }) => {
  await page.goto("/");
  const tasks = page.getByLabel("Task").locator("option");
  await expect(tasks).toHaveText(["default", "coding", "creative", "fast", "reasoning"]);
  await expect(page.getByLabel("Cost tier").locator("option")).toHaveText([
    "any",
    "budget",
    "standard",
    "premium",
  ]);
});
