import type { ModelHealthResponse } from "@fallback-chat/server/protocol";
import useSWR, { type SWRResponse } from "swr";

export type { ModelHealthResponse };

export type UseModelHealthOptions = {
  /** The route's URL. Default `/api/chat`. */
  api?: string;
  /** Milliseconds between polls. Default 5000; 0 polls only on focus and reconnect. */
  refreshInterval?: number;
};

async function fetchHealth(url: string): Promise<ModelHealthResponse> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`Health request failed: HTTP ${response.status}`);
  return (await response.json()) as ModelHealthResponse;
}

/** Per-model health from the route's GET, polled through SWR. */
export function useModelHealth(
  options: UseModelHealthOptions = {},
): SWRResponse<ModelHealthResponse, Error> {
  const { api = "/api/chat", refreshInterval = 5000 } = options;
  return useSWR<ModelHealthResponse, Error>(api, fetchHealth, { refreshInterval });
}
