import { replyText } from "@fallback-chat/fake-upstream";
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";
import { ChainSelectionError } from "../errors/chain-selection-error.js";
import { FAKE_ENV, fakeConfig } from "../test-support/fake-config.js";
import { useFakeUpstream } from "../test-support/use-fake-upstream.js";
import { createFallbackModel } from "./create-fallback-model.js";

// The fallback model in the AI SDK's own calls: tools, generateText, structured output.
const A = "anthropic/claude-3.5-sonnet";
const B = "openai/gpt-4-turbo";
const upstream = useFakeUpstream();

const fallbackModel = (overrides: Parameters<typeof fakeConfig>[2] = {}) =>
  createFallbackModel({ config: fakeConfig(upstream, [A, B], overrides), env: FAKE_ENV });

const weather = tool({
  description: "the weather in a city",
  inputSchema: jsonSchema<{ city: string }>({
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
  }),
  execute: async ({ city }) => `sunny in ${city}`,
});

describe("through the AI SDK", () => {
  it("tool calls work through a fallback, across steps", async () => {
    upstream.fail(A, { type: "http-error", status: 503 });
    upstream.setModel(B, { toolCall: true });
    const result = streamText({
      model: fallbackModel(),
      prompt: "weather?",
      tools: { weather },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    const parts = [];
    for await (const part of result.fullStream) parts.push(part);
    expect(parts.find((p) => p.type === "tool-call")).toMatchObject({
      toolName: "weather",
      input: { city: "sample" },
    });
    expect(parts.find((p) => p.type === "tool-result")).toMatchObject({
      output: "sunny in sample",
    });
    expect(await result.text).toBe(replyText(B, "weather?", 12));
    // both steps fell back from A: the cooldown is for 429s only, so A was tried each time
    expect(upstream.stats(A).requests).toBe(2);
    const steps = await result.steps;
    expect(steps.map((s) => s.response.modelId)).toEqual([B, B]);
  });

  it("generateText falls back and reports the answering model and the trail", async () => {
    upstream.fail(A, { type: "http-error", status: 502 });
    const result = await generateText({ model: fallbackModel(), prompt: "hi", maxRetries: 0 });
    expect(result.text).toBe(replyText(B, "hi", 12));
    expect(result.response.modelId).toBe(B);
    expect(result.providerMetadata?.fallback).toMatchObject({
      model: B,
      attempts: [
        { model: A, outcome: "failed", kind: "unavailable", status: 502 },
        { model: B, outcome: "success" },
      ],
    });
  });

  it("generateText keeps only the answering attempt's text after a mid-stream restart", async () => {
    upstream.fail(A, { type: "cut-mid-stream", afterChunks: 4 });
    const result = await generateText({
      model: fallbackModel({ models: { [A]: { max_retries: 0 } } }),
      prompt: "hi",
      maxRetries: 0,
    });
    expect(result.text).toBe(replyText(B, "hi", 12));
  });

  it("structured output works through a fallback", async () => {
    upstream.fail(A, { type: "hang-before-first-token" });
    const { output, response } = await generateText({
      model: fallbackModel({
        settings: { first_token_timeout_seconds: 0.2 },
        models: { [A]: { max_retries: 0 } },
      }),
      prompt: "a city",
      maxRetries: 0,
      output: Output.object({
        schema: jsonSchema<{ name: string; population: number }>({
          type: "object",
          properties: { name: { type: "string" }, population: { type: "integer" } },
          required: ["name", "population"],
          additionalProperties: false,
        }),
      }),
    });
    expect(output).toEqual({ name: "sample", population: 1 });
    expect(response.modelId).toBe(B);
  });

  it("an unknown task is a typed error listing the valid ones, at creation", () => {
    const config = fakeConfig(upstream, [A, B], { task_chains: { coding: [A] } });
    let error: unknown;
    try {
      createFallbackModel({ config, env: FAKE_ENV, task: "poetry" });
    } catch (e) {
      error = e;
    }
    expect(ChainSelectionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: "unknown_task", validNames: ["default", "coding"] });
  });
});
