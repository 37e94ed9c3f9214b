import { jsonError } from "./json-error.js";

/**
 * Which browser origins may post chats, besides the route's own. Entries are hosts, optionally
 * with a port (`app.example.com`, `localhost:3000`), or a leading wildcard for subdomains
 * (`*.example.com`), as in Next.js's `serverActions.allowedOrigins`; `"*"` allows every origin
 * (only for a route that authenticates each request itself).
 */
export type AllowedOrigins = readonly string[] | "*";

/**
 * Refuses a browser request made from another site. Requests without an `Origin` header (servers,
 * curl) pass, unless the browser says the request is cross-site (`Sec-Fetch-Site`). The route's
 * own host is `X-Forwarded-Host` when a proxy sets it, else `Host`. A 403 Response, or undefined.
 */
export function checkOrigin(request: Request, allowed: AllowedOrigins): Response | undefined {
  if (allowed === "*") return undefined;
  const origin = request.headers.get("origin");
  if (origin === null) {
    return request.headers.get("sec-fetch-site") === "cross-site"
      ? refuse("another site")
      : undefined;
  }
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return refuse(`origin "${origin.slice(0, 100)}"`); // "null" (sandboxed pages, files) among them
  }
  const own = (request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? "")
    .split(",")[0]
    ?.trim()
    .toLowerCase();
  if (host === own) return undefined;
  if (allowed.some((pattern) => matches(host, pattern.toLowerCase()))) return undefined;
  return refuse(`origin "${origin.slice(0, 100)}"`);
}

function matches(host: string, pattern: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

function refuse(what: string): Response {
  return jsonError(
    403,
    "forbidden_origin",
    `Requests from ${what} are not accepted; the server lists the origins it accepts in allowedOrigins`,
  );
}
