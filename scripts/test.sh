#!/usr/bin/env bash
# npm test: type check, unit, integration (real database) and Chromium e2e tests.
# DATABASE_URL picks the engine: unset or file: → SQLite; postgresql:// → PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "✘ Chromium is required for the end-to-end tests and was not found at $chromium." >&2
  echo "  Install Debian's Chromium:  sudo apt-get install -y chromium   (or set CHROMIUM_PATH)" >&2
  echo "  (npx playwright install cannot download browsers on these machines.)" >&2
  exit 1
fi

export DATABASE_URL="${DATABASE_URL:-file:./prisma/test.sqlite}"
engine=$([[ "$DATABASE_URL" == file:* ]] && echo SQLite || echo PostgreSQL)
echo "▸ Testing on $engine"

node_modules/.bin/tsx scripts/db.ts ensure
echo "▸ Type check"
node_modules/.bin/tsc --noEmit
echo "▸ Unit tests"
node_modules/.bin/vitest run --project unit
echo "▸ Integration tests ($engine)"
node_modules/.bin/vitest run --project integration
echo "▸ Build"
node_modules/.bin/remix vite:build > /dev/null
echo "▸ End-to-end tests (Chromium, $engine)"
node_modules/.bin/playwright test
