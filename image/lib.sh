# Shared by image/build.sh and image/run.sh: buildah on a private storage under the cache, the
# local Debian base images, timing of steps. Sourced, not run.
KEYGATE_IMAGE_CACHE=${KEYGATE_IMAGE_CACHE:-/var/cache/keygate-image}
KEYGATE_IMAGE_SUITE=${KEYGATE_IMAGE_SUITE:-bookworm}
mkdir -p "$KEYGATE_IMAGE_CACHE"

# buildah with its own storage (vfs: works without overlay support in a container; chroot
# isolation: no user namespaces needed), so nothing mixes with another tool's images
bh() {
  buildah --root "$KEYGATE_IMAGE_CACHE/storage" --runroot "$KEYGATE_IMAGE_CACHE/run" \
    --storage-driver vfs "$@"
}

_step_name="" _step_start=0
step() { _step_name=$1; _step_start=$(date +%s.%N); }
done_step() { printf '%-40s %6.1f s\n' "$_step_name" "$(echo "$(date +%s.%N) - $_step_start" | bc)" >&2; }

# Prints the name of a local base image (Debian minbase of the suite plus the packages, a
# comma-separated list), making it the first time: mmdebstrap (~45 s, needs Debian's mirrors),
# then imported into buildah's storage. Named by a hash of what went into it, so a changed
# package list makes a new base and an unchanged one is reused.
base_image() {
  local name=$1 packages=$2
  local spec="suite=$KEYGATE_IMAGE_SUITE variant=minbase include=$packages docs=excluded v1"
  local id; id=$(echo "$spec" | sha256sum | cut -c1-12)
  local image="localhost/keygate-base-$name:$id"
  if bh inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; return; fi
  # (mmdebstrap picks its output format from the file name's ending: keep .tar last)
  local tarball="$KEYGATE_IMAGE_CACHE/base-$name-$id.tar"
  if [[ ! -s $tarball ]]; then
    step "mmdebstrap $name base"
    # documentation, man pages and translations are never read in a container; the JDK's
    # postinst still links its man pages (update-alternatives), so man1 must exist
    mmdebstrap --quiet --variant=minbase ${packages:+--include="$packages"} \
      --setup-hook='mkdir -p "$1"/usr/share/man/man1' \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
      "$KEYGATE_IMAGE_SUITE" "$tarball.part.tar" >&2 \
      || { echo "mmdebstrap failed for the $name base ($packages)" >&2; return 1; }
    mv "$tarball.part.tar" "$tarball"
    done_step
  fi
  step "import $name base"
  local ctr root
  ctr=$(bh from --pull=never scratch) || return 1
  root=$(bh mount "$ctr") || return 1
  tar -xf "$tarball" -C "$root" || { bh rm "$ctr" >/dev/null; return 1; }
  bh umount "$ctr" >/dev/null
  bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr" || return 1
  bh commit --quiet --rm "$ctr" "$image" >/dev/null || return 1
  done_step
  echo "$image"
}

# the image's unpacked size as buildah reports it, e.g. "187 MB"
image_size() {
  bh images --noheading --format '{{.Size}}' "$1"
}
