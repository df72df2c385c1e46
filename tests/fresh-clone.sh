#!/usr/bin/env bash
# The README contract, checked: a plain clone of the committed HEAD, with no
# ../shared beside it, a fresh build directory and a PATH holding only the
# system folders and Rust, passes the README's test command (`bash tests/run`).
# .ci/run calls this after the main test run.
#
#   bash tests/fresh-clone.sh            # clone HEAD of this checkout
#   KEEP=1 bash tests/fresh-clone.sh     # keep the temp folder to look at
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

work="$(mktemp -d /tmp/screenkit-fresh.XXXXXX)"
cleanup() {
  if [ -n "${KEEP:-}" ]; then
    echo "fresh-clone: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# A clone, not a copy: only what is committed travels, as for a new user.
git clone -q --no-local "$repo" "$work/screenkit"
[ ! -e "$work/shared" ] || {
  echo "fresh-clone: $work/shared exists; the point is that it does not" >&2
  exit 2
}

# Rust as rustup installs it, then the system folders; nothing else a
# developer may have put on PATH (pyenv shims, pip --user scripts, …).
cargo_bin="$(dirname "$(command -v cargo)")"
clean_path="$cargo_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

echo "fresh-clone: running bash tests/run in $work/screenkit (CARGO_TARGET_DIR=$work/target)" >&2
start=$SECONDS
env -i \
  HOME="$HOME" \
  PATH="$clean_path" \
  ${RUSTUP_HOME:+RUSTUP_HOME="$RUSTUP_HOME"} \
  ${CARGO_HOME:+CARGO_HOME="$CARGO_HOME"} \
  ${CI:+CI="$CI"} \
  LANG=C.UTF-8 \
  CARGO_TARGET_DIR="$work/target" \
  bash "$work/screenkit/tests/run" "$@"
echo "fresh-clone: passed in $((SECONDS - start)) s" >&2
