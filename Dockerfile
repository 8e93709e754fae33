# The Vigil image: compiled TypeScript and a pre-built workflow bundle on a glibc base (DuckDB's and
# Temporal's native modules ship glibc builds). One image, four uses, all through one entrypoint:
#   worker    the default CMD (docker-compose.yml's vigil-worker)
#   serve     SageMaker endpoints: `docker run <image> serve` (aws.sagemaker.inferenceImage)
#   train     the training pipeline's Train step: `docker run <image> train` (TrainerImage)
#   evaluate  its Evaluate step: this entrypoint with ContainerArguments ["evaluate"]
#             (deploy/sagemaker/training-pipeline.json)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Which user, as checked against SageMaker's documentation and reports:
# - SageMaker runs a container as the image's USER and has no setting to run it as another.
# - Hosting (serve): "SageMaker AI expects all containers to run with root users ... users that do
#   not have root-level access can cause permissions issues" (Custom Inference Code with Hosting).
# - Training and processing (train, evaluate) mount /opt/ml/input, /opt/ml/model, /opt/ml/output
#   and the /opt/ml/processing/* LocalPaths from the host when the job starts, over whatever the
#   image holds there, so folders created and chowned here are hidden; non-root users have been
#   reported unable to write those mounts (uid 1000 on a processing output).
# So the image keeps root, which SageMaker allows for all three, and the worker, the use SageMaker
# never runs, runs as `node` where it is started: docker-compose.yml sets `user: node` (on
# Kubernetes or ECS, run as uid 1000). /data (the worker's data volume, which takes the image
# folder's owner when first created) and /opt/ml (train and evaluate run by hand as node) belong to node.
RUN mkdir -p /data /opt/ml/input/config /opt/ml/input/data /opt/ml/model /opt/ml/output /opt/ml/processing \
  && chown -R node:node /data /opt/ml
# For Docker and compose: serve answers /ping, the worker reaches Temporal (src/container/health-check.ts).
# SageMaker ignores HEALTHCHECK: it pings endpoints itself and judges jobs by their exit code.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/dist/container/health-check.js"]
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["worker"]
