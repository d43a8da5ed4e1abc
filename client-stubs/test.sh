#!/usr/bin/env bash
# The client stubs' CI: generated files match proto/, then each language's end-to-end tests run
# against the real sidecar jar (server/target/keygate-server.jar, built by `mvn package`).
# Run by the Maven build (client-stubs/pom.xml, integration-test phase) so `mvn -B verify` stays
# the one test command. Needs: protobuf-compiler protobuf-compiler-grpc python3-grpcio
# python3-protobuf protoc-gen-go protoc-gen-go-grpc golang-go golang-google-grpc-dev
# golang-google-genproto-dev golang-github-golang-protobuf-1-5-dev, node 20 + npm (.ci/run installs them).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export KEYGATE_SERVER_JAR="${KEYGATE_SERVER_JAR:-$HERE/../server/target/keygate-server.jar}"
[[ -f "$KEYGATE_SERVER_JAR" ]] || { echo "test.sh: $KEYGATE_SERVER_JAR missing (mvn -B package)" >&2; exit 1; }
unset KEYGATE_ADDR

echo "== node: npm ci"
(cd "$HERE/node" && npm ci --no-audit --no-fund --loglevel=error)

echo "== generated stubs"
"$HERE/generate.sh" --check

echo "== python (unittest, /usr/bin/python3 with Debian's python3-grpcio)"
(cd "$HERE/python" && /usr/bin/python3 -m unittest discover -s tests -v)

echo "== node (node --test)"
(cd "$HERE/node" && npm test --silent)

echo "== go (GOPATH mode over Debian's Go packages: no module proxy here)"
GOWORK_DIR="$(mktemp -d)"
trap 'rm -rf "$GOWORK_DIR"' EXIT
mkdir -p "$GOWORK_DIR/src/keygate.dev"
ln -s "$HERE/go" "$GOWORK_DIR/src/keygate.dev/client"
(cd "$GOWORK_DIR/src/keygate.dev/client" && export GO111MODULE=off \
  GOPATH="$GOWORK_DIR:/usr/share/gocode" GOCACHE="$GOWORK_DIR/cache" && go vet ./... && go test -v .)
