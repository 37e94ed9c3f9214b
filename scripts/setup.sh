#!/usr/bin/env bash
# Installs what the workspace needs on a machine that has only Node (>= 20.19) and npm:
# pnpm 12 when missing, then the locked dependencies. Sourced by demo.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 12.* ]]; then
  echo "› installing pnpm 12"
  npm install --global pnpm@12 >/dev/null
fi
export NEXT_TELEMETRY_DISABLED=1
export TURBO_TELEMETRY_DISABLED=1
echo "› pnpm install"
pnpm install --frozen-lockfile
