# flowbench in a container (docs/container.md), also the image of the Kubernetes shards (deploy/kubernetes/).
# Built with the same commands as CI (npm ci, then the build); the runtime image keeps production dependencies.
# Node 24 is the current LTS line (package.json engines: ^20.19.0 || >=22.12.0).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY suites ./suites
COPY datasets ./datasets
# The JSON Schemas: the build rewrites schema/suite.schema.json (`flowbench init` points a starter suite at
# it); the report and result schemas are kept as committed.
COPY schema ./schema
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
COPY --from=build /app/suites ./suites
COPY --from=build /app/datasets ./datasets
COPY README.md LICENSE ./
COPY docs ./docs
# /app stays root-owned and read-only to the runtime user. Reports go to /reports, the folder to mount
# (-v "$PWD/reports:/reports"); /app/reports points there, so a suite's default report.dir
# (reports/{{name}}-{{timestamp}}) lands in it too.
RUN ln -s /app/dist/cli/main.js /usr/local/bin/flowbench && chmod +x /app/dist/cli/main.js \
  && mkdir /reports && chown node:node /reports && ln -s /reports /app/reports
# `node` is uid 1000 / gid 1000 in the official images: deploy/kubernetes/*.yaml run as that uid.
USER node
ENTRYPOINT []
CMD ["flowbench", "--help"]
