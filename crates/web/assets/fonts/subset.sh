#!/usr/bin/env bash
# Cuts the served font from the committed Vazirmatn: the weights the stylesheet uses
# (400 to 700) and the characters Persian pages need (Persian and Arabic letters, digits,
# punctuation, the zero-width joiners; no Latin letters, which fall back to the system's
# sans-serif), with only the layout features Persian shaping needs. Run once when the font
# or the character set changes; nothing runs it at build time.
# Needs fonttools 4.68.0 and brotli 1.2.1 from PyPI:
#   python3 -m venv /tmp/fontenv && /tmp/fontenv/bin/pip install fonttools==4.68.0 brotli==1.2.1
set -euo pipefail
cd "$(dirname "$0")"
tools=${FONTTOOLS:-/tmp/fontenv/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tools/fonttools" varLib.instancer vazirmatn-variable.woff2 wght=400:700 -o "$work/range.ttf" -q
"$tools/pyftsubset" "$work/range.ttf" \
  --unicodes="U+0020-0040,U+005B-0060,U+007B-007E,U+00A0-00BF,U+00D7,U+00F7,U+0600-06FF,U+200C-200F,U+2010-2027,U+2030-205E,U+2066-2069,U+2212,U+FDFC" \
  --layout-features="kern,liga,rlig,init,medi,fina,isol,ccmp,mark,mkmk,locl,calt" \
  --flavor=woff2 --output-file=vazirmatn-persian.woff2
ls -l vazirmatn-persian.woff2
