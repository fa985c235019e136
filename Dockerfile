# syntax=docker/dockerfile:1
# The final stage below is also what apps/proxy/test/production-layout.e2e-spec.ts lays out and boots in
# `npm test` (production dependencies, dist/, CMD, USER, ENV, HEALTHCHECK): keep its lines in the forms that
# test understands, and it tells you when they change.

# Build stage: the full dependency set, from the lockfile; compiles the proxy and the Angular dashboard.
FROM node:24-slim AS build
WORKDIR /app
ENV NG_CLI_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build proxy && npx ng build dashboard

# Production dependencies only, from the same lockfile (the dashboard is bundled, so Angular stays behind).
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production DATA_DIR=/data PORT=4010 HOST=0.0.0.0
# glibc gives blocks of 64 KiB and more back to the system when they are freed: RSS after a burst of requests falls
# back instead of staying at its peak. The same values as scripts/launch-env.json (npm start); a test checks that.
ENV MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/proxy ./dist/apps/proxy
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps/dashboard/browser ./dist/apps/dashboard/browser
COPY package.json ./
# Owned by the unprivileged user: a named volume mounted here starts with this ownership.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4010
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4010)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/proxy/src/main.js"]
