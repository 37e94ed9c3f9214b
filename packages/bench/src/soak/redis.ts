import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { RedisHealthStore } from "@fallback-chat/server";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";

/**
 * A redis-server for the two-instance soak: the store both instances share, and `stop` / `restart`
 * on the same port to prove the deployment keeps answering while Redis is gone.
 */
export async function startRedis() {
  const port = await freePort();

  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    const ping = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    ping.on("error", () => {}); // refused until the server listens: expected, retried below
    for (let i = 0; i < 100; i++) {
      if (
        await ping.connect().then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    ping.disconnect();
  };
  await start();
  // Short timeouts: a request never waits long on a store that is gone.
  const client = new Redis({ port, maxRetriesPerRequest: 1, commandTimeout: 200 });
  client.on("error", () => {});
  return {
    store: new RedisHealthStore({ client, windowMs: 600_000 }),
    stop: async () => {
      const running = child;
      running?.kill("SIGKILL");
      if (running && running.exitCode === null) await once(running, "exit");
    },
    restart: start,
    close: async () => {
      client.disconnect();
      child?.kill("SIGKILL");
    },
  };
}
