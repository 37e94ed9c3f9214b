/** A change to mark on a sparkline: where along it (0–1), and what it became. */
export type SparkMark = { at: number; label: "closed" | "open" | "half_open" };

const WIDTH = 88;
const HEIGHT = 26;

/**
 * A small line of recent values (gaps where a bucket had none), with marks for circuit changes.
 * Its accessible name is `label`, a sentence with the latest value: a chart is not read aloud.
 */
export function Sparkline(props: {
  values: readonly (number | undefined)[];
  /** The value range; the data's when not given. */
  min?: number;
  max?: number;
  marks?: readonly SparkMark[];
  label: string;
  className: string;
}) {
  const { values } = props;
  const known = values.filter((v): v is number => v !== undefined);
  const min = props.min ?? Math.min(0, ...known);
  const max = props.max ?? Math.max(1, ...known);
  const x = (i: number) => (values.length <= 1 ? WIDTH : (i / (values.length - 1)) * WIDTH);
  const y = (v: number) => HEIGHT - 2 - ((v - min) / (max - min || 1)) * (HEIGHT - 4);
  // One path with a move wherever a bucket had no data, so gaps show as gaps.
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  const last = values.at(-1);
  return (
    <svg
      className={`sparkline ${props.className}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={props.label}
    >
      {props.marks?.map((mark) => (
        <line
          key={`${mark.at}-${mark.label}`}
          className={`mark ${mark.label}`}
          x1={mark.at * WIDTH}
          x2={mark.at * WIDTH}
          y1={0}
          y2={HEIGHT}
        />
      ))}
      <path d={d} fill="none" />
      {last !== undefined && <circle cx={x(values.length - 1)} cy={y(last)} r={2} />}
    </svg>
  );
}
