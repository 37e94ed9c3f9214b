#!/usr/bin/env bash
# Installs everything (pnpm, dependencies, Debian's Chromium and Redis when missing) and runs every
# check: lint, typecheck, unit and integration tests, browser tests, the packed packages in an app.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if ((${#need_apt[@]} > 0)); then
  echo "› apt-get install ${need_apt[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

export NO_COLOR=1 FORCE_COLOR=0

# Phases run one after another: timing-sensitive integration tests get both cores to themselves.
log="$(mktemp)"
pnpm turbo run lint lint:root typecheck build
pnpm turbo run test --concurrency=1 | tee -a "$log"
pnpm turbo run e2e --concurrency=1 | tee -a "$log"
# The resilience benchmark, short: it keeps working (its figures come from full runs, not CI).
pnpm --filter @fallback-chat/bench bench:smoke
# What users outside the workspace get: the packed packages in a fresh app (needs the npm registry).
bash scripts/test-packed.sh | tee -a "$log"

# One closing line for the whole run (each runner printed its own above; any failure stopped us).
passed=$(grep -oE '(Tests +[0-9]+ passed|^.*e2e: +[0-9]+ passed|^packed apps: [0-9]+ passed)' "$log" | grep -oE '[0-9]+ passed' | awk '{ sum += $1 } END { print sum + 0 }')
echo "${passed} passed, 0 failed"
