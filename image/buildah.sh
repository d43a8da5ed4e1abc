#!/usr/bin/env bash
# buildah on the image cache's storage (image/lib.sh), for the image test and by hand:
#   image/buildah.sh images
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bh "$@"
