"use client";

import { useState } from "react";
import useSWR from "swr";
import { CHAOS_ACTIONS, type ChaosAction } from "../lib/chaos-actions";
import { CHAOS_PRESETS, type ChaosPreset } from "../lib/chaos-presets";
import { ModelId } from "./model-id";

type ChaosState = { models: { model: string; condition: string }[] };

/** The API's JSON, or an Error carrying its `error.message` when the status says it failed. */
async function readJson<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => undefined)) as
    | (T & { error?: { message?: string } })
    | undefined;
  if (!response.ok || body === undefined) {
    throw new Error(body?.error?.message ?? `The chaos API answered ${response.status}`);
  }
  return body;
}

const fetchState = async (url: string) => readJson<ChaosState>(await fetch(url));

/** Offline only: break and heal the simulated providers, and watch the chat route around them. */
export function ChaosPanel() {
  const { data, error, mutate } = useSWR<ChaosState, Error>("/api/chaos", fetchState, {
    refreshInterval: 2000,
  });
  const [failed, setFailed] = useState<string | undefined>();
  const act = async (action: ChaosAction, model?: string, preset?: ChaosPreset) => {
    try {
      const response = await fetch("/api/chaos", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action, ...(model && { model }), ...(preset && { preset }) }),
      });
      await readJson(response);
      setFailed(undefined);
    } catch (cause) {
      setFailed((cause as Error).message);
    }
    await mutate();
  };
  return (
    <section className="panel" aria-labelledby="chaos-title">
      <h2 id="chaos-title">Chaos</h2>
      <p className="muted">Make a simulated model fail, then send a message.</p>
      {(failed ?? error) && (
        <p className="error" role="alert" data-testid="chaos-error">
          {failed ?? error?.message}
        </p>
      )}
      <fieldset className="presets" aria-label="Scenarios">
        <legend>Scenarios</legend>
        {(Object.keys(CHAOS_PRESETS) as ChaosPreset[]).map((preset) => (
          <div key={preset} className="preset">
            <button type="button" onClick={() => void act("preset", undefined, preset)}>
              {CHAOS_PRESETS[preset].label}
            </button>
            <span className="muted">{CHAOS_PRESETS[preset].explain}</span>
          </div>
        ))}
      </fieldset>
      <details className="per-model">
        <summary>Per-model controls</summary>
        <ul className="chaos" data-testid="chaos">
          {data?.models.map(({ model, condition }) => (
            <li key={model} data-model={model}>
              <div className="chaos-head">
                <ModelId id={model} />
                <span className={`state ${condition === "healthy" ? "available" : "broken"}`}>
                  {condition}
                </span>
              </div>
              <fieldset className="chaos-actions" aria-label={`Chaos for ${model}`}>
                {(Object.keys(CHAOS_ACTIONS) as (keyof typeof CHAOS_ACTIONS)[]).map((action) => (
                  <button
                    key={action}
                    type="button"
                    aria-label={`${CHAOS_ACTIONS[action].label}: ${model}`}
                    onClick={() => void act(action, model)}
                  >
                    {CHAOS_ACTIONS[action].label}
                  </button>
                ))}
                <button
                  type="button"
                  className="heal"
                  aria-label={`Heal ${model}`}
                  onClick={() => void act("heal", model)}
                >
                  Heal
                </button>
              </fieldset>
            </li>
          ))}
        </ul>
      </details>
      <button type="button" onClick={() => void act("reset")}>
        Heal all and reset health
      </button>
    </section>
  );
}
