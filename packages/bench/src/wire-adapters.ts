/**
 * The provider wire corpus through both AI SDK adapters, raw: what each makes of every documented
 * shape (packages/fake-upstream/README.md), and how soon a reasoning model's first output arrives.
 * Prints a Markdown table; the server README records it.
 */
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { createFakeUpstream, type ModelScriptPatch } from "@fallback-chat/fake-upstream";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { measuredOn, writeResult } from "./results.js";

const MODEL = "deepseek/deepseek-r1";
const upstream = await createFakeUpstream();
const adapters: Record<string, LanguageModelV4> = {
  "@openrouter/ai-sdk-provider": createOpenRouter({
    baseURL: upstream.baseURL,
    apiKey: "bench",
    compatibility: "strict",
  }).chat(MODEL, { usage: { include: true } }),
  "@ai-sdk/openai": createOpenAI({ baseURL: upstream.baseURL, apiKey: "bench" }).chat(MODEL),
};

const shapes: [string, ModelScriptPatch][] = [
  ["healthy answer", {}],
  [
    "OpenRouter mid-stream error chunk",
    { fault: { type: "error-finish-mid-stream", afterChunks: 3 } },
  ],
  ['in-band `{"error":…}` event', { fault: { type: "error-mid-stream", afterChunks: 3 } }],
  ['vLLM `{object:"error"}`', { fault: { type: "vllm-error-mid-stream", afterChunks: 3 } }],
  ["end without finish_reason", { fault: { type: "truncate-mid-stream", afterChunks: 3 } }],
  ["socket cut", { fault: { type: "cut-mid-stream", afterChunks: 3 } }],
  ["reasoning 1 s, then text", { reasoningMs: 1000 }],
  [
    "served by another model, with cost",
    { servedModel: "anthropic/claude-3.5-sonnet", cost: 0.0042 },
  ],
];

/** What a consumer of the adapter's stream learns: the last parts, in short. */
async function observe(model: LanguageModelV4) {
  const started = performance.now();
  let firstOutputMs: number | undefined;
  let reasoning = false;
  let errorPart = false;
  let thrown = false;
  let finish: Extract<LanguageModelV4StreamPart, { type: "finish" }> | undefined;
  let servedModel: string | undefined;
  try {
    const { stream } = await model.doStream({
      prompt: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    });
    for await (const part of stream) {
      if (
        firstOutputMs === undefined &&
        (part.type === "text-delta" || part.type === "reasoning-delta")
      ) {
        firstOutputMs = performance.now() - started;
      }
      if (part.type === "reasoning-delta") reasoning = true;
      if (part.type === "error") errorPart = true;
      if (part.type === "finish") finish = part;
      if (part.type === "response-metadata" && part.modelId) servedModel = part.modelId;
    }
  } catch {
    thrown = true;
  }
  const openrouter = finish?.providerMetadata?.openrouter as
    | { provider?: string; usage?: { cost?: number } }
    | undefined;
  const raw = finish?.usage.raw as { cost?: number } | undefined;
  const reason = finish
    ? `${finish.finishReason.unified}/${finish.finishReason.raw ?? "–"}`
    : "none";
  const signal = thrown ? "throws" : errorPart ? "error part" : "no error";
  const extra = [
    reasoning && "reasoning parts",
    servedModel && servedModel !== MODEL && `model ${servedModel}`,
    openrouter?.provider && `provider ${openrouter.provider}`,
    (raw?.cost ?? openrouter?.usage?.cost) !== undefined &&
      `cost ${raw?.cost ?? openrouter?.usage?.cost}`,
  ].filter(Boolean);
  const first = firstOutputMs === undefined ? "–" : `${Math.round(firstOutputMs)} ms`;
  return `${signal}; finish ${reason}; first output ${first}${extra.length ? `; ${extra.join(", ")}` : ""}`;
}

// One warm-up request each: the first request of a process pays for connection and JIT.
for (const model of Object.values(adapters)) await observe(model);
const names = Object.keys(adapters);
const lines = [
  `| shape | ${names.join(" | ")} |`,
  `| --- | ${names.map(() => "---").join(" | ")} |`,
];
for (const [shape, script] of shapes) {
  const cells: string[] = [];
  for (const model of Object.values(adapters)) {
    upstream.heal(MODEL);
    upstream.setModel(MODEL, script);
    cells.push(await observe(model));
  }
  lines.push(`| ${shape} | ${cells.join(" | ")} |`);
}
await upstream.close();
const markdown = `${lines.join("\n")}\n\n_${measuredOn()}; \`node packages/bench/dist/wire-adapters.js\`._`;
console.log(markdown);
console.log(`→ ${writeResult("wire-adapters.md", markdown)}`);
