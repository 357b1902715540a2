# syntax=docker/dockerfile:1
# soakbench daemon image: `docker build -t soakbench .` (docs/docker.md).

# --- build: compile the Kafka client against Debian's librdkafka dependencies, then TypeScript -----------
FROM node:24-bookworm-slim AS build

# Headers for CKJS_LINKING=dynamic: the client's librdkafka links the system's OpenSSL, SASL, zlib, zstd,
# lz4 and curl instead of bundled copies, so the runtime stage only needs the matching shared libraries.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev libcurl4-openssl-dev \
      pkg-config python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN CKJS_LINKING=dynamic npm ci

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY scripts/prune-runtime.sh ./scripts/prune-runtime.sh
# Then keep only what runs: production packages, and of the Kafka client its JavaScript, its addon and
# librdkafka's shared libraries (scripts/prune-runtime.sh drops ~270 MB of sources and build objects and
# fails if the client no longer loads).
RUN npm run build \
 && npm prune --omit=dev \
 && sh scripts/prune-runtime.sh node_modules

# --- runtime: shared libraries only, no compilers ---------------------------------------------------------
FROM node:24-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libssl3 libsasl2-2 zlib1g libzstd1 liblz4-1 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production
WORKDIR /app
# The client's addon finds librdkafka.so.1 through its RUNPATH ($ORIGIN/../deps): node_modules keeps its layout.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/bin ./bin
COPY config ./config
# The live page (GET /) and the report script, served and inlined from here (src/web/web-assets.ts).
COPY web ./web

# "node" (uid 1000) comes with the official Node.js images.
USER node
EXPOSE 8080

# No curl in the slim image: Node's own fetch asks /readyz (200 when connected and producing or paused).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SOAKBENCH_HTTP_PORT||8080)+'/readyz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Exec form: node is the process that receives SIGTERM (run with --init, or compose's init: true).
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["daemon"]
