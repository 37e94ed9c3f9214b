"use client";

import { useModelHealth } from "@fallback-chat/react";

export function HealthPanel() {
  const { data, error } = useModelHealth({ api: "/api/chat", refreshInterval: 1000 });
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">Model health</h2>
      {error && <p className="muted">Health unavailable: {error.message}</p>}
      <table className="health" data-testid="health">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">State</th>
            <th scope="col">Fail / req</th>
            <th scope="col">TTFT p50</th>
          </tr>
        </thead>
        <tbody>
          {data?.models.map((m) => (
            <tr key={m.model} data-model={m.model}>
              <td className="model-id">{m.model}</td>
              <td>
                <span className={`state ${m.state}`}>{m.state.replace("_", " ")}</span>
              </td>
              <td>
                {m.failures} / {m.requests}
              </td>
              <td>{m.p50TtftMs === undefined ? "–" : `${Math.round(m.p50TtftMs)} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
