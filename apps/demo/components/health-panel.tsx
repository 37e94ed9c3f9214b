"use client";

import { useModelHealth } from "@fallback-chat/react";
import type { ModelHealthSnapshot } from "@fallback-chat/server/protocol";
import { ModelId } from "./model-id";
import { Sparkline, type SparkMark } from "./sparkline";

/** Circuit changes as marks along the history (0 = its first bucket's start, 1 = now). */
function marksOf(history: ModelHealthSnapshot["history"]): SparkMark[] {
  const first = history.buckets[0];
  if (!first) return [];
  const from = Date.parse(first.at);
  const span = history.bucketMs * history.buckets.length;
  return history.circuitChanges.map((change) => ({
    at: Math.min(1, Math.max(0, (Date.parse(change.at) - from) / span)),
    label: change.circuit,
  }));
}

function HealthRow({ m }: { m: ModelHealthSnapshot }) {
  const { buckets } = m.history;
  const success = buckets.map((b) => (b.requests ? 1 - b.failures / b.requests : undefined));
  const ttft = buckets.map((b) => b.meanTtftMs);
  const marks = marksOf(m.history);
  const minutes = Math.round((m.history.bucketMs * buckets.length) / 60_000);
  return (
    <tr data-model={m.model}>
      <th scope="row" className="model-cell">
        <ModelId id={m.model} />
        <span className={`state ${m.state}`}>{m.state.replace("_", " ")}</span>
      </th>
      <td className="success-cell">
        <Sparkline
          className="success"
          values={success}
          min={0}
          max={1}
          marks={marks}
          label={`Success rate over the last ${minutes} min: ${Math.round(m.successRate * 100)} % (${m.failures} failed of ${m.requests})${marks.length ? `; circuit ${marks.map((k) => k.label.replace("_", "-")).join(", then ")}` : ""}`}
        />
        <span className="spark-value">
          {m.failures} / {m.requests}
        </span>
      </td>
      <td className="ttft-cell">
        <Sparkline
          className="ttft"
          values={ttft}
          marks={marks}
          label={`Time to first token over the last ${minutes} min: median ${m.p50TtftMs === undefined ? "unknown" : `${Math.round(m.p50TtftMs)} ms`}`}
        />
        <span className="spark-value">
          {m.p50TtftMs === undefined ? "–" : `${Math.round(m.p50TtftMs)} ms`}
        </span>
      </td>
    </tr>
  );
}

export function HealthPanel() {
  const { data, error } = useModelHealth({ api: "/api/chat", refreshInterval: 1000 });
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">Model health</h2>
      {error && <p className="muted">Health unavailable: {error.message}</p>}
      <table className="health" data-testid="health">
        <thead>
          <tr>
            <th scope="col">Model, state</th>
            <th scope="col">Success (fail / req)</th>
            <th scope="col">TTFT (p50)</th>
          </tr>
        </thead>
        <tbody>
          {data?.models.map((m) => (
            <HealthRow key={m.model} m={m} />
          ))}
        </tbody>
      </table>
      <p className="muted legend">
        Lines: this server's last health window. Marks: circuit{" "}
        <span className="k open">opened</span>, <span className="k half_open">probed</span>,{" "}
        <span className="k closed">closed</span>.
      </p>
    </section>
  );
}
