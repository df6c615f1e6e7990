#!/usr/bin/env bash
# Health checks of a deployed environment after a deploy, promote or rollback (.github/workflows):
# /healthz and /readyz must answer 200 within about two minutes. Usage: release_check.sh <url>
set -euo pipefail
url="${1:?usage: release_check.sh https://staging.example.com}"
for path in /healthz /readyz; do
  ok=""
  for _ in $(seq 1 24); do
    if curl -fsS --max-time 5 "${url%/}${path}" >/dev/null; then ok=1; break; fi
    sleep 5
  done
  if [ -z "$ok" ]; then echo "${url%/}${path} did not answer 200 in two minutes" >&2; exit 1; fi
  echo "${url%/}${path}: ok"
done
