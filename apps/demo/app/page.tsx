export const dynamic = "force-dynamic";

export default function Home() {
  const offline = !process.env.OPENROUTER_API_KEY;
  return (
    <main style={{ maxWidth: 720, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>fallback-chat</h1>
      <p>
        A chat that keeps answering when models fail. The chat itself arrives with the demo issue.
      </p>
      <p data-testid="mode">
        {offline
          ? `Offline mode: simulated providers (fake-upstream at ${process.env.FALLBACK_CHAT_UPSTREAM_URL ?? "not started"}).`
          : "Online mode: OpenRouter."}
      </p>
    </main>
  );
}
