#!/usr/bin/env bash
# Installs what the sync benchmark needs, only when missing: espeak-ng and
# ffmpeg (Debian), numpy and ffsubsync (a venv under the build directory:
# Debian's python refuses pip outside one) and alass-cli (crates.io, into
# the build directory). Prints the PATH to use:
#   export PATH="$(bash benches/sync/tools.sh)"
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
tools="$target/bench-tools"
updated=
apt_install() {
  echo "benches/sync/tools.sh: installing $*" >&2
  [ -n "$updated" ] || { apt-get update -qq >&2; updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
command -v espeak-ng >/dev/null 2>&1 || apt_install espeak-ng
command -v ffmpeg >/dev/null 2>&1 || apt_install ffmpeg
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
if [ ! -x "$tools/venv/bin/ffsubsync" ]; then
  echo "benches/sync/tools.sh: installing numpy and ffsubsync into $tools/venv" >&2
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/python" -m pip install -q --disable-pip-version-check numpy ffsubsync >&2
fi
if [ ! -x "$tools/bin/alass-cli" ]; then
  echo "benches/sync/tools.sh: building alass-cli into $tools" >&2
  CARGO_TARGET_DIR="$tools/build" cargo install -q --locked alass-cli --root "$tools" >&2
fi
echo "$tools/bin:$tools/venv/bin:$PATH"
