#!/usr/bin/env bash
# Prints the scenario index (Markdown) from the comment block at the top of each
# tests/scenarios/*.toml: "# Probes:" (what the scenario probes) and "# Topic:".
# With --write, replaces the part of README.md between the index markers.
set -euo pipefail
cd "$(dirname "$0")"

index() {
  awk '
    FNR == 1 { probes = ""; topic = ""; inprobes = 0 }
    /^# Probes: / { inprobes = 1; sub(/^# Probes: +/, ""); probes = $0; next }
    /^#          / && inprobes { sub(/^# +/, ""); probes = probes " " $0; next }
    /^# / { inprobes = 0 }
    /^# Topic: / { sub(/^# Topic: +/, ""); topic = $0 }
    /^name = / && FNR < 40 {
      file = FILENAME; sub(/^\.\//, "", file); sub(/\.toml$/, "", file)
      gsub(/\|/, "\\|", probes)
      # Markdown: no raw HTML, no accidental emphasis.
      gsub(/</, "\\&lt;", probes); gsub(/>/, "\\&gt;", probes)
      gsub(/[_*]/, "\\\\&", probes); gsub(/[_*]/, "\\\\&", topic)
      print topic "\t" file "\t" probes
      nextfile
    }
  ' ./*.toml | sort -f -t "$(printf '\t')" -k1,1 -k2,2 | awk -F '\t' '
    { count[$1]++; order[NR] = $0 }
    END {
      n = NR
      print "| topic | scenarios |"
      print "|---|---|"
      for (i = 1; i <= n; i++) { split(order[i], f, "\t"); if (f[1] != last) { print "| " f[1] " | " count[f[1]] " |"; last = f[1] } }
      print "| **total** | **" n "** |"
      last = ""
      for (i = 1; i <= n; i++) {
        split(order[i], f, "\t")
        if (f[1] != last) { print ""; print "### " f[1]; print ""; print "| file | what it probes |"; print "|---|---|"; last = f[1] }
        print "| [`" f[2] "`](" f[2] ".toml) | " f[3] " |"
      }
    }'
}

if [ "${1:-}" = "--write" ]; then
  table="$(index)"
  awk -v table="$table" '
    /<!-- index:start -->/ { print; print table; skip = 1; next }
    /<!-- index:end -->/ { skip = 0 }
    !skip { print }
  ' README.md > README.md.tmp && mv README.md.tmp README.md
else
  index
fi
