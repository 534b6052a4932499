#!/usr/bin/env bash
# What the synthetic test documents are drawn with: fonts, and the producers
# that lay out pages themselves (LibreOffice Writer, Chromium).  Installs
# only what is missing (scripts/apt-install.sh: apt-get on Debian or Ubuntu;
# elsewhere it names the packages to install).
set -euo pipefail
missing=()
fonts=$(fc-list 2>/dev/null || true)
grep -q DejaVuSans <<<"$fonts" || missing+=(fonts-dejavu-core fontconfig)
grep -q LiberationSerif <<<"$fonts" || missing+=(fonts-liberation)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v chromium >/dev/null || missing+=(chromium)
((${#missing[@]})) || exit 0
exec bash "$(dirname "$0")/../scripts/apt-install.sh" "the test documents" "${missing[@]}"
