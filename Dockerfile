# flowbench in a container, for shards on Kubernetes (deploy/kubernetes/). The same commands as CI:
# npm ci, then the build; the runtime image keeps production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY suites ./suites
COPY datasets ./datasets
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY --from=build /app/suites ./suites
COPY --from=build /app/datasets ./datasets
RUN ln -s /app/dist/cli/main.js /usr/local/bin/flowbench && chmod +x /app/dist/cli/main.js
USER node
ENTRYPOINT []
CMD ["flowbench", "--help"]
