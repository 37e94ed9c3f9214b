/** How a failure is named in one line, everywhere: `unavailable 503`, `timeout`. */
export function failureLabel(failure: {
  kind?: string | undefined;
  status?: number | undefined;
}): string {
  const kind = failure.kind ?? "failed";
  return failure.status === undefined ? kind : `${kind} ${failure.status}`;
}
