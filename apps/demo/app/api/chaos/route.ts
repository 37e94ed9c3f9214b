import { z } from "zod";
import { CHAOS_ACTIONS } from "../../../lib/chaos-actions";
import { CHAOS_PRESETS, type ChaosPreset } from "../../../lib/chaos-presets";
import { demo } from "../../../lib/demo";

export const dynamic = "force-dynamic";

const PRESETS = Object.keys(CHAOS_PRESETS) as ChaosPreset[];
const bodySchema = z.strictObject({
  action: z.enum([
    ...(Object.keys(CHAOS_ACTIONS) as (keyof typeof CHAOS_ACTIONS)[]),
    "heal",
    "reset",
    "preset",
  ]),
  model: z.string().optional(),
  preset: z.enum(PRESETS).optional(),
});

const error = (status: number, message: string) =>
  Response.json({ error: { message } }, { status });
const OFFLINE_ONLY = "The chaos panel works only offline, on simulated providers";

/** Calls fake-upstream's control API; undefined when it cannot be reached or refuses. */
async function control(url: string, init?: RequestInit): Promise<Response | undefined> {
  const response = await fetch(url, init).catch(() => undefined);
  return response?.ok ? response : undefined;
}

/** The chaos panel's state: which simulated models are broken, and how. */
export async function GET(): Promise<Response> {
  const { controlUrl, models } = demo();
  if (!controlUrl) return error(404, OFFLINE_ONLY);
  const response = await control(`${controlUrl}/state`);
  if (!response) return error(502, "fake-upstream is not reachable");
  const state = (await response.json()) as {
    models: Record<
      string,
      { script: { fault: { type: string; status?: number }; firstTokenMs: number } }
    >;
  };
  return Response.json({
    models: models.map((model) => {
      const script = state.models[model]?.script;
      const fault = script?.fault;
      let condition = "healthy";
      if (fault && fault.type !== "none")
        condition = fault.type === "http-error" ? String(fault.status) : fault.type;
      else if ((script?.firstTokenMs ?? 0) > 1000) condition = "slow";
      return { model, condition };
    }),
  });
}

export async function POST(request: Request): Promise<Response> {
  const { controlUrl, models, health } = demo();
  if (!controlUrl) return error(404, OFFLINE_ONLY);
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    return error(400, "The body is not valid JSON");
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    return error(
      400,
      parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
    );
  }
  if (parsed.data.action === "preset") {
    const { preset } = parsed.data;
    if (!preset) return error(400, `preset: one of ${PRESETS.join(", ")}`);
    return applyPreset(preset);
  }
  const { action, model } = parsed.data;
  if (action === "reset") {
    if (!(await control(`${controlUrl}/reset`, { method: "POST" })))
      return error(502, "fake-upstream is not reachable");
    health.reset();
    return Response.json({ ok: true });
  }
  if (!model || !models.includes(model)) return error(400, `model: one of ${models.join(", ")}`);
  const path = `${controlUrl}/models/${encodeURIComponent(model)}`;
  const changed = await control(
    path,
    action === "heal"
      ? { method: "DELETE" }
      : { method: "PUT", body: JSON.stringify(CHAOS_ACTIONS[action].patch) },
  );
  if (!changed) return error(502, "fake-upstream did not take the change");
  return Response.json({ ok: true });
}

/** A one-click scenario: heal everything, then break the default chain as the preset says. */
async function applyPreset(preset: ChaosPreset): Promise<Response> {
  const { controlUrl, models, defaultChain, health } = demo();
  if (!controlUrl) return error(404, OFFLINE_ONLY);
  if (!(await control(`${controlUrl}/reset`, { method: "POST" })))
    return error(502, "fake-upstream is not reachable");
  health.reset();
  for (const { who, patch } of CHAOS_PRESETS[preset].apply) {
    const targets =
      who === "all" ? models : [defaultChain[who === "first" ? 0 : 1]].filter(Boolean);
    for (const model of targets as string[]) {
      const path = `${controlUrl}/models/${encodeURIComponent(model)}`;
      if (!(await control(path, { method: "PUT", body: JSON.stringify(patch) })))
        return error(502, "fake-upstream did not take the change");
    }
  }
  return Response.json({ ok: true });
}
