#!/usr/bin/env bash
# apt-install.sh PURPOSE PACKAGE...: install the Debian packages named (as
# root, or through sudo) with apt-get; where there is no apt-get, name them
# and fail.  The callers pass only what is missing.
set -euo pipefail
purpose=$1
shift
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
if command -v apt-get >/dev/null; then
  echo "installing for $purpose: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
else
  echo "$purpose needs these (Debian package names): $*" >&2
  exit 1
fi
