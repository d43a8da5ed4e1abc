#!/usr/bin/env bash
# Builds the keygate container image from the project's own Dockerfile with buildah (no Docker
# engine, no registry): the Dockerfile's BUILD_IMAGE and RUNTIME_IMAGE are local Debian images
# made with mmdebstrap and cached between runs; the jar is the one Maven already built.
#
#   image/build.sh [TAG]            # default tag: localhost/keygate:dev
#
# Needs root, buildah and mmdebstrap (Debian packages) and server/target/keygate-server.jar.
# Environment:
#   KEYGATE_IMAGE_CACHE  base tarballs and buildah's storage (default /var/cache/keygate-image);
#                        delete it to pick up Debian's newest packages (bases are never refreshed
#                        on their own: a rebuild is then repeatable)
#   KEYGATE_IMAGE_SUITE  Debian suite of the bases (default bookworm)
#   KEYGATE_IMAGE_TARGET Dockerfile target (default prebuilt: the jar from server/target)
# Prints one line per step with its seconds, then the image's size.
set -euo pipefail
cd "$(dirname "$0")/.."
. image/lib.sh

tag=${1:-localhost/keygate:dev}
target=${KEYGATE_IMAGE_TARGET:-prebuilt}
jar=server/target/keygate-server.jar
if [[ $target == prebuilt && ! -f $jar ]]; then
  echo "image/build.sh: $jar is missing: run 'mvn -B -o package -pl server -am -DskipTests' first" >&2
  exit 2
fi

# What each stage needs, and nothing more: the jre stage a JDK (jlink and its jmods; no Maven: the
# jar comes from the build context); the runtime stage only the C library and zlib the jlink'd
# runtime links against (minbase).
build_base=$(base_image build openjdk-17-jdk-headless) || exit 1
runtime_base=$(base_image runtime "") || exit 1

# the image this tag named before: removed once replaced, so the cache (vfs keeps a full copy of
# each layer) grows by one image per jar, not per run
previous=$(bh images --quiet --noheading "$tag" 2>/dev/null || true)
step "buildah build ($target)"
# --layers: cache each instruction's layer, so a rebuild with the same jar reuses them all
bh build --layers --pull=never --isolation chroot --network host \
  --build-arg BUILD_IMAGE="$build_base" --build-arg RUNTIME_IMAGE="$runtime_base" \
  --target "$target" --tag "$tag" --file Dockerfile . >"$KEYGATE_IMAGE_CACHE/build.log" 2>&1 \
  || { tail -40 "$KEYGATE_IMAGE_CACHE/build.log" >&2; exit 1; }
done_step
current=$(bh images --quiet --noheading "$tag")
if [[ -n $previous && $previous != "$current" ]]; then
  bh rmi "$previous" >/dev/null 2>&1 || true
fi
echo "image $tag: $(image_size "$tag") unpacked; jar $(stat -c %s "$jar") bytes"
