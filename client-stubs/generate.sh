#!/usr/bin/env bash
# Regenerates every language's stubs from ../proto (the single source of truth).
#
#   client-stubs/generate.sh          rewrite the committed generated files
#   client-stubs/generate.sh --check  regenerate into a temporary folder and fail if anything differs
#
# Pinned tools (Debian 12 packages, npm lockfile):
#   protoc 3.21 (protobuf-compiler) + grpc_python_plugin (protobuf-compiler-grpc)   -> python/keygate/,
#                                                                    python/keygate_client/descriptors/
#   protoc-gen-go 1.28 (protoc-gen-go) + protoc-gen-go-grpc 1.0 (protoc-gen-go-grpc) -> go/keygatev1/
#   proto-loader-gen-types from @grpc/proto-loader (client-stubs/node, after `npm ci`) -> node/src/generated/
# The google.rpc messages (Status, ErrorInfo, RetryInfo, QuotaFailure, ...) come from the
# proto-google-common-protos jar that grpc-protobuf brings into ~/.m2 (any Maven build fetches it).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
COMMON_PROTOS_VERSION="2.64.1"
COMMON_PROTOS_JAR="${HOME}/.m2/repository/com/google/api/grpc/proto-google-common-protos/${COMMON_PROTOS_VERSION}/proto-google-common-protos-${COMMON_PROTOS_VERSION}.jar"
GO_MODULE="keygate.dev/client"

mode="write"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "generate.sh: '$1' not found; install: $2" >&2; exit 1; }
}
need protoc "apt-get install protobuf-compiler"
need grpc_python_plugin "apt-get install protobuf-compiler-grpc"
need protoc-gen-go "apt-get install protoc-gen-go"
need protoc-gen-go-grpc "apt-get install protoc-gen-go-grpc"
need unzip "apt-get install unzip"
[[ -f "$COMMON_PROTOS_JAR" ]] || {
  echo "generate.sh: $COMMON_PROTOS_JAR missing; run a Maven build first (mvn -B -q -pl proto install)" >&2; exit 1; }
GEN_TYPES="$HERE/node/node_modules/.bin/proto-loader-gen-types"
[[ -x "$GEN_TYPES" ]] || { echo "generate.sh: run 'npm ci' in client-stubs/node first" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/out"
mkdir -p "$WORK/googleapis" "$OUT/python" "$OUT/go" "$OUT/node/proto" "$OUT/node/src/generated"

unzip -q -o "$COMMON_PROTOS_JAR" 'google/rpc/status.proto' 'google/rpc/error_details.proto' -d "$WORK/googleapis"

cd "$ROOT/proto"
KEYGATE_PROTOS=(keygate/v1/key.proto keygate/v1/key_admin.proto keygate/v1/authorize.proto)
RPC_PROTOS=(google/rpc/status.proto google/rpc/error_details.proto)

# Python: messages and gRPC stubs for keygate.v1. The google.rpc messages ship as a descriptor set
# that keygate_client loads into a private descriptor pool: a generated top-level `google.rpc`
# package would collide with googleapis-common-protos in the user's environment (Debian 12 packages
# no googleapis-common-protos for Python to depend on).
mkdir -p "$OUT/python/keygate_client/descriptors"
protoc -I . -I "$WORK/googleapis" \
  --python_out="$OUT/python" --grpc_python_out="$OUT/python" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  "${KEYGATE_PROTOS[@]}"
protoc -I "$WORK/googleapis" --include_imports \
  --descriptor_set_out="$OUT/python/keygate_client/descriptors/google_rpc.binpb" "${RPC_PROTOS[@]}"

# Go: one package keygatev1 (the protos carry no go_package option, so map them here).
go_map=""
for p in "${KEYGATE_PROTOS[@]}"; do go_map="${go_map},M${p}=${GO_MODULE}/keygatev1"; done
protoc -I . \
  --go_out="$OUT/go" --go_opt="module=${GO_MODULE}${go_map}" \
  --go-grpc_out="$OUT/go" --go-grpc_opt="module=${GO_MODULE}${go_map}" \
  "${KEYGATE_PROTOS[@]}"

# Node: @grpc/proto-loader loads .proto files at run time, so the package ships copies of them;
# TypeScript types for what it loads (options must match loadOptions in node/src/protos.ts).
mkdir -p "$OUT/node/proto/keygate/v1" "$OUT/node/proto/google/rpc"
cp "${KEYGATE_PROTOS[@]}" "$OUT/node/proto/keygate/v1/"
for p in "${RPC_PROTOS[@]}"; do cp "$WORK/googleapis/$p" "$OUT/node/proto/google/rpc/"; done
(cd "$OUT/node/proto" && "$GEN_TYPES" --includeDirs=. --grpcLib=@grpc/grpc-js --outDir="$OUT/node/src/generated" \
  --longs=String --enums=String --defaults --oneofs \
  "${KEYGATE_PROTOS[@]}" "${RPC_PROTOS[@]}" >/dev/null)

# The generated trees, relative to client-stubs/.
TREES=(python/keygate python/keygate_client/descriptors go/keygatev1 node/proto node/src/generated)
mkdir -p "$OUT/python/keygate"

if [[ "$mode" == "check" ]]; then
  status=0
  for t in "${TREES[@]}"; do
    if ! diff -r "$OUT/$t" "$HERE/$t" >"$WORK/diff" 2>&1; then
      echo "generate.sh --check: client-stubs/$t differs from what generate.sh produces from proto/:" >&2
      head -40 "$WORK/diff" >&2
      status=1
    fi
  done
  [[ $status -eq 0 ]] && echo "generate.sh --check: generated stubs are up to date (${#TREES[@]} trees)"
  exit $status
fi

for t in "${TREES[@]}"; do
  rm -rf "${HERE:?}/$t"
  mkdir -p "$(dirname "$HERE/$t")"
  cp -r "$OUT/$t" "$HERE/$t"
done
echo "generate.sh: regenerated ${TREES[*]}"
