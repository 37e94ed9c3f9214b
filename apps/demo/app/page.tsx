import { ChatApp } from "../components/chat-app";

export const dynamic = "force-dynamic";

export default function Home() {
  // Decided on the server: the key itself never leaves it.
  return <ChatApp offline={!process.env.OPENROUTER_API_KEY} />;
}
