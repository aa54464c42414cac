# flink-prometheus-bridge container image (README "Container image").
#
# BASE: any Debian-family image with Node.js >= 20 (`node` on PATH). Docker users: the default below. CI builds a
# Debian trixie minbase with Debian's nodejs 20.19 via debootstrap (no registry is reachable there) and passes it as
# --build-arg BASE=localhost/fpb-base:trixie (scripts/ci/container.sh).
ARG BASE=docker.io/library/node:20-bookworm-slim

# --- build: dev dependencies, TypeScript compile, then production dependencies only ---------------------------------
FROM ${BASE} AS build
# Debian's nodejs comes without npm (a separate package); the official node images bring their own.
RUN command -v npm >/dev/null || (apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*)
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; esbuild's postinstall is for tsx (dev only).
# The optional build secret `ca_bundle` (`--secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt`) adds CAs
# for a TLS-intercepting proxy between the build and the npm registry (CI's machine has one); it stays out of the
# image's layers.
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca_bundle; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
WORKDIR /out
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca_bundle; fi; \
    cp /src/package.json /src/package-lock.json . \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm package-lock.json \
 && cp -r /src/dist ./dist
COPY proto ./proto

# --- runtime -----------------------------------------------------------------------------------------------------------
FROM ${BASE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="flink-prometheus-bridge" \
      org.opencontainers.image.description="Sidecar that gives Apache Flink clusters Prometheus monitoring and alerting: polls the Flink REST API, receives reporter pushes and remote-write, serves /metrics and the Prometheus query API, evaluates rules." \
      org.opencontainers.image.source="https://github.com/flink-prometheus-bridge/flink-prometheus-bridge" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out /app
COPY rules /etc/flink-prometheus-bridge/rules
COPY examples/config.yml examples/web-config.yml /etc/flink-prometheus-bridge/examples/
# A fixed non-root uid/gid without a passwd entry (nothing needs one). /data is the --storage.path volume, owned by
# that uid so that a fresh named volume (which copies the image directory's owner) is writable; the root filesystem
# can be read-only: the sidecar writes nowhere else.
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
ENV HOME=/tmp NODE_ENV=production
VOLUME ["/data"]
EXPOSE 9275
# Only for the default listen port; Node's fetch, so no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9275/-/healthy').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 (exec form, no shell): SIGTERM reaches the sidecar, which finishes the poll in flight, closes the
# server and exits 0 (README "Running it"). Arguments after the image name are appended (a repeated flag: last wins).
ENTRYPOINT ["node", "/app/dist/cli.js", "--storage.path=/data"]
CMD []
