# ProjectMeats: one image for the web app and the background worker (fly.toml process groups).
# Deno comes from the npm registry, as on developer machines (scripts/deno).
FROM node:20-bookworm-slim

ENV DENO_DIR=/app/.deno-cache NO_COLOR=1 APP_ENV=production DATA_DIR=/data
WORKDIR /app

COPY scripts/deno scripts/deno
RUN ./scripts/deno --version

COPY deno.json deno.lock ./
RUN ./scripts/deno install --frozen

COPY . .
# Type-check and cache every module so a machine starts fast (island bundles are built in memory at start).
RUN ./scripts/deno check --frozen main.ts workers/main.ts

EXPOSE 8080
CMD ["./scripts/deno", "task", "start"]
