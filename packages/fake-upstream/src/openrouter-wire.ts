/** Response shapes as OpenRouter serves them on its OpenAI-compatible API. */

const DEFAULT_ERROR_MESSAGES: Record<number, string> = {
  400: "Bad request",
  401: "No auth credentials found",
  402: "Insufficient credits. Add more credits to continue.",
  403: "Your input was flagged by the provider's moderation",
  404: "No endpoints found for this model",
  408: "Request timed out",
  422: "Unprocessable entity",
  429: "Rate limit exceeded, please retry later",
  500: "Internal Server Error",
  502: "Provider returned error",
  503: "No instances available for this model",
  529: "Provider is overloaded",
};

const VENDOR_NAMES: Record<string, string> = {
  anthropic: "Anthropic",
  openai: "OpenAI",
  "meta-llama": "Meta",
  mistralai: "Mistral",
  deepseek: "DeepSeek",
  google: "Google",
};

/** The upstream provider name OpenRouter reports, derived from the model id's vendor prefix. */
export function providerName(model: string): string {
  const vendor = model.split("/")[0] ?? model;
  return VENDOR_NAMES[vendor] ?? vendor;
}

export function errorBody(status: number, model: string, message?: string) {
  return {
    error: {
      code: status,
      message: message ?? DEFAULT_ERROR_MESSAGES[status] ?? "Error",
      metadata: { provider_name: providerName(model) },
    },
  };
}

export function invalidModelBody(model: string) {
  return { error: { code: 400, message: `${model} is not a valid model ID` } };
}

export type Delta = {
  role?: "assistant";
  content?: string | null;
  /** OpenRouter's reasoning tokens. */
  reasoning?: string;
  tool_calls?: {
    index: number;
    id?: string;
    type?: "function";
    function: { name?: string; arguments: string };
  }[];
};

export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** OpenRouter's usage accounting: what the request cost, in USD. */
  cost?: number;
};

/** Builds the chunks of one generation; they share id, model and creation time. */
export class ChunkWriter {
  readonly #head: string;

  constructor(id: string, model: string, created: number) {
    this.#head = `{"id":${JSON.stringify(id)},"provider":${JSON.stringify(providerName(model))},"model":${JSON.stringify(model)},"object":"chat.completion.chunk","created":${created},`;
  }

  delta(delta: Delta, finishReason: string | null = null): string {
    return `data: ${this.#head}"choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${JSON.stringify(finishReason)},"native_finish_reason":${JSON.stringify(finishReason)},"logprobs":null}]}\n\n`;
  }

  usage(usage: Usage): string {
    return `data: ${this.#head}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
  }

  /** OpenRouter's mid-stream error: a top-level error and a choice finishing with "error". */
  errorFinish(message: string, code: string | number): string {
    const error = JSON.stringify({ code, message });
    return `data: ${this.#head}"error":${error},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error","native_finish_reason":"error"}]}\n\n`;
  }
}

export const DONE = "data: [DONE]\n\n";
export const KEEP_ALIVE = ": OPENROUTER PROCESSING\n\n";

/** vLLM's error object, as its OpenAI-compatible server streams it. */
export function vllmErrorEvent(message: string): string {
  return `data: ${JSON.stringify({ object: "error", message, type: "InternalServerError", param: null, code: 500 })}\n\n`;
}

/** The in-band error event OpenAI and OpenRouter send inside a 200 stream. */
export function streamErrorEvent(message: string, code: string | number): string {
  return `data: ${JSON.stringify({ error: { message, type: "server_error", code } })}\n\n`;
}
