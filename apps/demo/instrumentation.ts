// Next.js calls register() once per server: the demo traces its answers with OpenTelemetry and
// prints one line per answer to its log (a real app would export to its collector instead).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { trace } = await import("@opentelemetry/api");
  const { SimpleSpanProcessor, TracerProvider } = await import("@opentelemetry/sdk-trace");
  const exporter = {
    export(
      spans: { name: string; attributes: Record<string, unknown>; duration: [number, number] }[],
      done: (result: { code: number }) => void,
    ) {
      for (const span of spans) {
        if (span.name !== "fallback_chat.answer") continue;
        const ms = Math.round(span.duration[0] * 1000 + span.duration[1] / 1e6);
        const a = span.attributes;
        console.info(
          `[otel] answer ${a["fallback_chat.ok"] ? "by" : "failed"} ${a["fallback_chat.answered_by"] ?? "-"}, ${a["fallback_chat.attempts"]} attempt(s), ${ms} ms`,
        );
      }
      done({ code: 0 });
    },
    async shutdown() {},
  };
  trace.setGlobalTracerProvider(
    new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: exporter as never })],
    }),
  );
}
