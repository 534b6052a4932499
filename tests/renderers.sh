#!/usr/bin/env bash
# What the synthetic test documents are drawn with: fonts, and the producers
# that lay out pages themselves (LibreOffice Writer, Chromium).  Installs
# only what is missing, with apt-get on Debian or Ubuntu; elsewhere it names
# the packages to install.
set -euo pipefail
missing=()
fonts=$(fc-list 2>/dev/null || true)
grep -q DejaVuSans <<<"$fonts" || missing+=(fonts-dejavu-core fontconfig)
grep -q LiberationSerif <<<"$fonts" || missing+=(fonts-liberation)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v chromium >/dev/null || missing+=(chromium)
((${#missing[@]})) || exit 0
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
if command -v apt-get >/dev/null; then
  echo "installing for the test documents: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "the test documents need these (Debian package names): ${missing[*]}" >&2
  exit 1
fi
