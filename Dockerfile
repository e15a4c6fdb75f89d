# Testbridge backend, as `npm start` runs it (SQLite in /data unless DATABASE_URL names PostgreSQL).
# Base image pinned to an exact Node release (the version the project is tested on); pin its
# digest too (`node:20.20.2-bookworm-slim@sha256:…`) where your registry policy asks for it.
FROM node:20.20.2-bookworm-slim AS build
# better-sqlite3 compiles against Node's headers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# The pinned pnpm into ./.tools and the workspace (backend/start.mjs bundles the server at start).
RUN node scripts/toolchain.mjs install

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
# Never root: the process owns only /data and its own bundle.
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "backend/start.mjs"]
