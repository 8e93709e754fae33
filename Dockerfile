# The Vigil image: compiled TypeScript and a pre-built workflow bundle on a glibc base (DuckDB's and
# Temporal's native modules ship glibc builds). It runs the worker by default; SageMaker runs the
# same image as a model endpoint with the argument `serve` (aws.sagemaker.inferenceImage).
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
USER node
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["worker"]
