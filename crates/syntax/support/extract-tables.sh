#!/bin/sh
# Regenerates src/cup_tables.rs from the reference implementation's parser
# (../shared/reference/chocopy-ref.jar beside the checkout, or $CHOCOPY_REFERENCE).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
ref="${CHOCOPY_REFERENCE:-$here/../../../../shared/reference}"
cp="$ref/chocopy-ref.jar"
for j in "$ref"/lib/*.jar; do cp="$cp:$j"; done
java -cp "$cp" "$here/ExtractTables.java" > "$here/../src/cup_tables.rs"
