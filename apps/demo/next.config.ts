import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // The fallback engine runs on the server only; never bundle provider keys for the browser.
  serverExternalPackages: ["@fallback-chat/fake-upstream"],
};

export default config;
