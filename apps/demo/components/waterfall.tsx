/** One bar of a waterfall: an attempt from its start to its end (or to now, while it runs). */
export type WaterfallBar = {
  key: string;
  model: string;
  /** What happened, in words ("rate limited (429), cooling down"). */
  phrase: string;
  /** Start and length, ms from the question. */
  atMs: number;
  ms: number;
  /** First output, ms after the bar's start. */
  ttftMs: number | undefined;
  /** CSS classes of the bar: its outcome, and `discarded` / `running`. */
  className: string;
};

/**
 * Attempts along one time axis from the question: bars overlap where hedges raced, the first token
 * is marked, each row says in words what happened. Shared by the finished answer's timeline and
 * the live one.
 */
export function Waterfall(props: {
  bars: readonly WaterfallBar[];
  label: string;
  caption: string;
  testId: string;
}) {
  const { bars } = props;
  if (bars.length === 0) return null;
  const total = Math.max(1, ...bars.map((b) => b.atMs + b.ms));
  const pct = (ms: number) => `${Math.min(100, (ms / total) * 100).toFixed(2)}%`;
  return (
    <figure className="timeline" data-testid={props.testId} aria-label={props.label}>
      <ol>
        {bars.map((bar) => (
          <li key={bar.key} className={`bar-row ${bar.className}`}>
            <span className="bar-label">
              <span className="trail-model">{bar.model}</span> {bar.phrase}
            </span>
            <span className="bar-track" aria-hidden>
              <span
                className={`bar ${bar.className}`}
                style={{ left: pct(bar.atMs), width: pct(Math.max(bar.ms, 1)) }}
              >
                {bar.ttftMs !== undefined && (
                  <span
                    className="first-token"
                    style={{ left: `${((bar.ttftMs / Math.max(bar.ms, 1)) * 100).toFixed(2)}%` }}
                  />
                )}
              </span>
            </span>
            <span className="ms">{Math.round(bar.ms)} ms</span>
          </li>
        ))}
      </ol>
      <figcaption className="muted">{props.caption}</figcaption>
    </figure>
  );
}
