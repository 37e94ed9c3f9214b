import { generateText } from "ai";
import type { FallbackConfig, ResolvedModel } from "../config/fallback-config.js";
import { classifyError } from "../errors/classify-error.js";
import type { ErrorKind } from "../errors/error-kind.js";
import { MissingApiKeyError } from "../errors/missing-api-key-error.js";
import { createModelFactory, type ModelFactoryOptions } from "./model-factory.js";

export type ProbeResult = {
  model: string;
  endpoint: string;
  ok: boolean;
  /** Why it failed: an error kind, or `missing_key`. */
  error: ErrorKind | "missing_key" | undefined;
  status: number | undefined;
  latencyMs: number;
  message: string | undefined;
};

/**
 * Sends one tiny request to each model (to verify each key and model id), a few at a
 * time, each with its own timeout and no retries.
 */
export async function probeModels(
  config: FallbackConfig,
  options: ModelFactoryOptions & { timeoutMs?: number; concurrency?: number } = {},
): Promise<ProbeResult[]> {
  const factory = createModelFactory(config, options);
  const models = [...config.models.values()];
  const results: ProbeResult[] = new Array(models.length);
  let next = 0;
  const worker = async () => {
    while (next < models.length) {
      const index = next++;
      const model = models[index] as ResolvedModel;
      results[index] = await probeOne(model, factory, options.timeoutMs ?? 15_000);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 4, models.length) }, worker),
  );
  return results;
}

async function probeOne(
  model: ResolvedModel,
  factory: ReturnType<typeof createModelFactory>,
  timeoutMs: number,
): Promise<ProbeResult> {
  const started = performance.now();
  const base = { model: model.id, endpoint: model.endpoint };
  try {
    await generateText({
      model: factory(model),
      prompt: "Reply with one word: ok",
      maxOutputTokens: 5,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    const latencyMs = Math.round(performance.now() - started);
    return { ...base, ok: true, error: undefined, status: 200, latencyMs, message: undefined };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    if (MissingApiKeyError.isInstance(error)) {
      return {
        ...base,
        ok: false,
        error: "missing_key",
        status: undefined,
        latencyMs: 0,
        message: error.message,
      };
    }
    const isTimeout = (error as Error).name === "TimeoutError";
    const classified = classifyError(error);
    return {
      ...base,
      ok: false,
      error: isTimeout ? "timeout" : classified.kind,
      status: classified.status,
      latencyMs,
      message: isTimeout ? `no answer within ${timeoutMs} ms` : classified.message,
    };
  }
}
