# syntax=docker/dockerfile:1
#
# The crm API as one static binary on a distroless base, running as a
# non-root user:
#
#   docker build -t crm .        (or: make docker)
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://... -e CRM_TOKEN_KEYS=k1:... -e CRM_SECRET_KEY=... crm
#
# The container needs DATABASE_URL. Without it, `crm serve` starts an
# embedded PostgreSQL, which needs the PostgreSQL server binaries (initdb,
# postgres): the distroless image has none, so that mode only works on a
# machine with PostgreSQL installed. docker-compose.yml runs PostgreSQL next
# to the API.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so that a change to the code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# CGO_ENABLED=0: a static binary that runs without libc; -trimpath: no
# build-machine paths in it. The migrations, openapi.yaml and templates are
# embedded, so the binary is all the final stage needs.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/crm ./cmd/crm && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/crm /crm
# An empty data folder owned by the nonroot user (65532), for CRM_DATA_DIR.
COPY --from=build --chown=65532:65532 /out/data /data
ENV CRM_ADDR=:8080 \
    CRM_DATA_DIR=/data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/crm"]
CMD ["serve"]
