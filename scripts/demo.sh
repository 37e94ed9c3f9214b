#!/usr/bin/env bash
# Installs everything and starts the demo on http://localhost:${PORT:-3000}.
# Offline on fake-upstream unless OPENROUTER_API_KEY is set.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
pnpm demo
