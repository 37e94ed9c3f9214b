#!/usr/bin/env bash
# What a user outside the workspace gets: the packed packages (pnpm pack) installed with npm into
# a fresh app beside the app's own ai, react and @ai-sdk/react, at the oldest and newest versions
# the packages claim. The READMEs' snippets (scripts/packed-app/src) type-check under --strict and
# run against fake-upstream. Then `npm publish --dry-run` for each public package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs"
for pkg in server react fake-upstream; do
  (cd "$root/packages/$pkg" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
tarball() { ls "$work/tarballs"/fallback-chat-"$1"-*.tgz; }

passed=0
run_app() { # name, ai version, @ai-sdk/react version
  local app="$work/app-$1"
  cp -r "$root/scripts/packed-app" "$app"
  cat > "$app/package.json" <<JSON
{
  "name": "packed-app-$1",
  "private": true,
  "type": "module",
  "dependencies": {
    "@fallback-chat/server": "file:$(tarball server)",
    "@fallback-chat/react": "file:$(tarball react)",
    "@fallback-chat/fake-upstream": "file:$(tarball fake-upstream)",
    "ai": "$2",
    "@ai-sdk/react": "$3",
    "react": "19.3.1",
    "react-dom": "19.3.1",
    "zod": "4.6.7",
    "ioredis": "5.9.2",
    "@types/node": "20.19.43",
    "@types/react": "19.3.0"
  }
}
JSON
  (cd "$app" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  local copies
  copies="$(cd "$app" && find . -path '*/node_modules/ai/package.json' | wc -l)"
  if [[ "$copies" != "1" ]]; then
    echo "✗ $1: $copies copies of ai installed; the packages must use the app's own" >&2
    exit 1
  fi
  (cd "$app" && "$root/node_modules/.bin/tsc" -p . && node dist/main.js)
  # The README's CLI, as installed: validate a config and print its chains.
  (cd "$app" && npx --no-install fallback-chat check dist/fallback-config.yaml >/dev/null)
  echo "✓ packed app with ai $2, @ai-sdk/react $3"
  passed=$((passed + 1))
}
run_app newest 7.0.173 4.0.177
run_app oldest 7.0.163 4.0.167

for pkg in server react fake-upstream; do
  (cd "$work" && npm publish --dry-run "$(tarball "$pkg")" >/dev/null 2>&1) ||
    { echo "✗ npm publish --dry-run failed for $pkg" >&2; exit 1; }
done
echo "✓ npm publish --dry-run: server, react, fake-upstream"
echo "packed apps: ${passed} passed"
