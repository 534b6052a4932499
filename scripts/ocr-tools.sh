#!/usr/bin/env bash
# What scanned pages are read with: Tesseract and its English data, unpaper
# (OCRmyPDF's cleaning step).  OCRmyPDF itself comes from PyPI with the
# pipeline.  Installs only what is missing (scripts/apt-install.sh).
set -euo pipefail
missing=()
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx eng; } \
  || missing+=(tesseract-ocr-eng)
command -v unpaper >/dev/null || missing+=(unpaper)
((${#missing[@]})) || exit 0
exec bash "$(dirname "$0")/apt-install.sh" "OCR of scanned pages" "${missing[@]}"
