#!/usr/bin/env bash
# Cuts the delivery package's two fonts from the committed Vazirmatn the web pages are served
# from (crates/web/assets/fonts/vazirmatn-variable.woff2): static instances at weight 400 and
# 700, every character kept (a PDF has no system font to fall back to for Latin names), as
# TrueType, which is what the PDF embeds (subset to the glyphs used). Run once when the font
# changes; nothing runs it at build time.
# Needs fonttools 4.68.0 and brotli 1.2.1 from PyPI:
#   python3 -m venv /tmp/fontenv && /tmp/fontenv/bin/pip install fonttools==4.68.0 brotli==1.2.1
set -euo pipefail
cd "$(dirname "$0")"
tools=${FONTTOOLS:-/tmp/fontenv/bin}
source=../../web/assets/fonts/vazirmatn-variable.woff2
for weight in 400:regular 700:bold; do
  "$tools/fonttools" varLib.instancer "$source" "wght=${weight%%:*}" -o "vazirmatn-${weight##*:}.ttf" -q
  "$tools/python" -c "
from fontTools.ttLib import TTFont
font = TTFont('vazirmatn-${weight##*:}.ttf'); font.flavor = None; font.save('vazirmatn-${weight##*:}.ttf')"
done
ls -l vazirmatn-*.ttf
