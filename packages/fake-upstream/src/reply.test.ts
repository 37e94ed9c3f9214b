import { describe, expect, it } from "vitest";
import { lastUserPrompt, replyChunks, replyText, sampleFromSchema } from "./reply.js";

describe("replyText", () => {
  it("is the same for the same model and prompt, and names the model", () => {
    const a = replyText("openai/gpt-4-turbo", "hello", 8);
    expect(replyText("openai/gpt-4-turbo", "hello", 8)).toBe(a);
    expect(a.startsWith("openai/gpt-4-turbo: ")).toBe(true);
    expect(a.split(" ")).toHaveLength(8);
  });

  it("differs between models and between prompts", () => {
    const base = replyText("openai/gpt-4-turbo", "hello", 12);
    expect(replyText("anthropic/claude-3-haiku", "hello", 12)).not.toBe(base);
    expect(replyText("openai/gpt-4-turbo", "hello!", 12).slice(20)).not.toBe(base.slice(20));
  });

  it("reads as an answer: opens on the question, then sentences without a repeat", () => {
    const reply = replyText("openai/gpt-4o", "How do I learn the piano?", 80);
    expect(reply).toMatch(/^openai\/gpt-4o: [^.]*learn piano/);
    const sentences = reply
      .slice("openai/gpt-4o: ".length)
      .split(/(?<=\.) /)
      .slice(0, -1); // the last one is cut at the word count
    expect(sentences.length).toBeGreaterThan(5);
    expect(new Set(sentences).size).toBe(sentences.length);
  });
});

describe("replyChunks", () => {
  it("groups words and joins back to the reply", () => {
    const text = replyText("m/x", "p", 7);
    const chunks = replyChunks(text, 3);
    expect(chunks).toHaveLength(3);
    expect(chunks.join("")).toBe(text);
  });
});

describe("lastUserPrompt", () => {
  it("reads string and part-array contents of the last user message", () => {
    expect(
      lastUserPrompt([
        { role: "user", content: "first" },
        { role: "assistant", content: "x" },
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
      ]),
    ).toBe("ab");
    expect(lastUserPrompt([{ role: "system", content: "s" }])).toBe("");
  });
});

describe("sampleFromSchema", () => {
  it("fills every property with a value of its type", () => {
    expect(
      sampleFromSchema({
        type: "object",
        properties: {
          city: { type: "string" },
          days: { type: "integer" },
          unit: { type: "string", enum: ["c", "f"] },
          tags: { type: "array", items: { type: "string" } },
        },
      }),
    ).toEqual({ city: "sample", days: 1, unit: "c", tags: ["sample"] });
  });
});
