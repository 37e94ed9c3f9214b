/**
 * A child process serving one fake-upstream per contender, all on the same scenario, so that the
 * upstreams' work does not share an event loop with the contenders being measured. Reads
 * `{ count, scenario }` as JSON from argv[2], prints the servers' URLs as one JSON line, serves
 * until its stdin closes.
 */
import { createFakeUpstream } from "@fallback-chat/fake-upstream";

const { count, scenario } = JSON.parse(process.argv[2] ?? "{}") as {
  count: number;
  scenario: unknown;
};
const upstreams = await Promise.all(
  Array.from({ length: count }, () =>
    createFakeUpstream({ scenario: scenario as never, maxLoggedRequests: 0 }),
  ),
);
console.log(JSON.stringify(upstreams.map((u) => u.url)));
process.stdin.resume();
process.stdin.once("end", async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  process.exit(0);
});
