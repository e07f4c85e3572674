#!/usr/bin/env bash
# Real recordings for configs/style-transfer-real.toml: the recorded loops, guitar and
# ambient samples of Debian's `sonic-pi-samples` package (Sonic Pi 3.2.2), converted from
# FLAC to mono 22.05 kHz 32-bit float WAV with sox.
#
# Only samples whose licence in the package's debian/copyright is CC0 or CC-BY* are taken
# (the licence of each file is written next to it in data/sonic-pi/LICENSES.txt), and only
# those at least 2 s long (style pairs are cut into 2 s windows and split in halves).
#
# Needs: apt-get (download only, no root install), dpkg, sox, python3.
# Usage: bash scripts/prepare-sonic-pi-samples.sh [out-dir]   (default data/sonic-pi)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/data/sonic-pi}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
apt-get download sonic-pi-samples >/dev/null
dpkg -x sonic-pi-samples_*.deb pkg
samples="$(dirname "$(find pkg -name 'loop_amen.flac' | head -1)")"
copyright="$(find pkg -path '*sonic-pi-samples/copyright' | head -1)"
mkdir -p "$out"

# file name → licence, from the machine-readable copyright stanzas
python3 - "$copyright" > licences.tsv <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for stanza in text.split("\n\n"):
    files = re.search(r"^Files:\s*(.+)$", stanza, re.M)
    lic = re.search(r"^License:\s*(\S+)", stanza, re.M)
    if not files or not lic:
        continue
    for f in files.group(1).split():
        if f.endswith(".flac"):
            print(f"{f.rsplit('/', 1)[-1]}\t{lic.group(1)}")
PY

: > "$out/LICENSES.txt"
count=0
while IFS=$'\t' read -r name licence; do
  case "$name" in loop_*|guit_*|ambi_*|bass_*) ;; *) continue ;; esac
  case "$licence" in CC0*|CC-BY*) ;; *) continue ;; esac
  src="$samples/$name"
  [ -f "$src" ] || continue
  long=$(python3 -c "import sys; print(1 if float(sys.argv[1]) >= 2.0 else 0)" "$(soxi -D "$src")")
  [ "$long" = 1 ] || continue
  # -D: no dither; -G: guard against clipping (sox lowers the gain where needed); remix -:
  # mean of the channels; rate -v: very high quality resampler
  sox -D -G "$src" -e floating-point -b 32 "$out/${name%.flac}.wav" remix - rate -v 22050
  printf '%s\t%s\n' "${name%.flac}.wav" "$licence" >> "$out/LICENSES.txt"
  count=$((count + 1))
done < licences.tsv
echo "wrote $count WAV files to $out (licences in $out/LICENSES.txt)"
