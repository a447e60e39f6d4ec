# Image of the aiobs collector (OTLP receiver, API, dashboard). Build from the repo root:
#   docker build -f deploy/docker/collector.Dockerfile -t ghcr.io/aiobs/aiobs-collector:0.1.0 .
# With CLICKHOUSE_URL set it stores in a ClickHouse server or cluster (the Kubernetes
# manifests); without it, in the embedded engine under /var/lib/aiobs (mount a volume).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts && npm run build --workspace collector && npm run build --workspace dashboard \
 && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production AIOBS_DATA_DIR=/var/lib/aiobs
WORKDIR /opt/aiobs/collector
COPY --from=build /src/node_modules /opt/aiobs/node_modules
COPY --from=build /src/collector/package.json ./package.json
COPY --from=build /src/collector/bin ./bin
COPY --from=build /src/collector/dist ./dist
COPY --from=build /src/dashboard/dist /opt/aiobs/dashboard/dist
RUN mkdir -p /var/lib/aiobs && chown node:node /var/lib/aiobs
USER node
EXPOSE 4318 4317
ENTRYPOINT ["node", "/opt/aiobs/collector/bin/aiobs-collector.js"]
CMD ["--host", "0.0.0.0"]
