import {
  createFakeUpstream,
  type FakeUpstream,
  type FakeUpstreamOptions,
} from "@fallback-chat/fake-upstream";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * A fake-upstream for one test file: started before its tests, healed and its counters cleared
 * after each, closed at the end. The returned object stands for the running server.
 */
export function useFakeUpstream(options?: FakeUpstreamOptions): FakeUpstream {
  let current: FakeUpstream | undefined;
  beforeAll(async () => {
    current = await createFakeUpstream(options);
  });
  afterEach(() => current?.reset());
  afterAll(() => current?.close());
  return new Proxy({} as FakeUpstream, {
    get(_, key) {
      if (!current)
        throw new Error("fake-upstream is not running yet: use it inside a test or hook");
      const value = Reflect.get(current, key);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}
