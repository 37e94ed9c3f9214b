/** One request a contender sent upstream, as its fetch saw it. */
export type UpstreamRequest = { model: string; at: number; status: number };

const MODEL_FIELD = /"model":"([^"]+)"/;

/**
 * A fetch that records every chat request (the model asked for, when, the response status) into
 * `log`: how a contender's upstream traffic is counted, whatever library sends it.
 */
export function recordingFetch(log: UpstreamRequest[], origin: number): typeof fetch {
  return async (input, init) => {
    const body = typeof init?.body === "string" ? init.body : "";
    const entry = {
      model: MODEL_FIELD.exec(body)?.[1] ?? "?",
      at: performance.now() - origin,
      status: 0,
    };
    log.push(entry);
    const response = await fetch(input, init);
    entry.status = response.status;
    return response;
  };
}
