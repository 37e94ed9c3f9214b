import { z } from "zod";
import { CHAOS_ACTIONS } from "../../../lib/chaos-actions";
import { demo } from "../../../lib/demo";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({
  action: z.enum([
    ...(Object.keys(CHAOS_ACTIONS) as (keyof typeof CHAOS_ACTIONS)[]),
    "heal",
    "reset",
  ]),
  model: z.string().optional(),
});

const error = (status: number, message: string) =>
  Response.json({ error: { message } }, { status });

/** The chaos panel's state: which simulated models are broken, and how. */
export async function GET(): Promise<Response> {
  const { controlUrl, models } = demo();
  if (!controlUrl) return error(404, "The chaos panel works only offline, on simulated providers");
  const state = (await (await fetch(`${controlUrl}/state`)).json()) as {
    models: Record<
      string,
      { script: { fault: { type: string; status?: number }; firstTokenMs: number } }
    >;
  };
  return Response.json({
    models: models.map((model) => {
      const script = state.models[model]?.script;
      const fault = script?.fault;
      const condition =
        fault && fault.type !== "none"
          ? fault.type === "http-error"
            ? String(fault.status)
            : fault.type
          : (script?.firstTokenMs ?? 0) > 1000
            ? "slow"
            : "healthy";
      return { model, condition };
    }),
  });
}

export async function POST(request: Request): Promise<Response> {
  const { controlUrl, models, health } = demo();
  if (!controlUrl) return error(404, "The chaos panel works only offline, on simulated providers");
  let body: z.infer<typeof bodySchema>;
  try {
    const parsed = bodySchema.safeParse(await request.json());
    if (!parsed.success)
      return error(
        400,
        parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    body = parsed.data;
  } catch {
    return error(400, "The body is not valid JSON");
  }
  if (body.action === "reset") {
    await fetch(`${controlUrl}/reset`, { method: "POST" });
    health.reset();
    return Response.json({ ok: true });
  }
  if (!body.model || !models.includes(body.model))
    return error(400, `model: one of ${models.join(", ")}`);
  const path = `${controlUrl}/models/${encodeURIComponent(body.model)}`;
  const response =
    body.action === "heal"
      ? await fetch(path, { method: "DELETE" })
      : await fetch(path, {
          method: "PUT",
          body: JSON.stringify(CHAOS_ACTIONS[body.action].patch),
        });
  if (!response.ok) return error(502, "fake-upstream refused the change");
  return Response.json({ ok: true });
}
