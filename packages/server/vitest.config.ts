import { defineConfig } from "vitest/config";

export default defineConfig({
  // --expose-gc: the disconnect tests collect garbage to prove a departed client is not forgotten.
  test: { include: ["src/**/*.test.ts"], testTimeout: 15_000, execArgv: ["--expose-gc"] },
});
