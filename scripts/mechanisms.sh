#!/usr/bin/env bash
# Removes each mechanism of scripts/mechanisms.tsv once, runs the test that stands for it, and checks that the
# test FAILS without it (then puts the code back). Usage:
#   scripts/mechanisms.sh            every row
#   scripts/mechanisms.sh ID...      the rows with these ids
# A row: id <TAB> modules (for mvn -pl) <TAB> test selector (-Dtest) <TAB> file <TAB> perl substitution (s{…}{…}s).
# Needs a clean work tree for the files it touches; prints one line per row and a summary; exit 1 if any removal
# was not caught. Runs offline (-o): build once first (mvn -B -DskipTests install is not needed; verify is enough).
set -uo pipefail
cd "$(dirname "$0")/.."
rows="scripts/mechanisms.tsv"
caught=0; missed=0; broken=0
while IFS=$'\t' read -r id modules tests file subst; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  if [[ $# -gt 0 ]] && ! printf '%s\n' "$@" | grep -qx "$id"; then continue; fi
  if ! git diff --quiet -- "$file"; then echo "SKIP   $id: $file has uncommitted changes"; broken=$((broken+1)); continue; fi
  perl -0pi -e "$subst" "$file"
  if git diff --quiet -- "$file"; then
    echo "BROKEN $id: the removal did not apply to $file (the code moved?)"; broken=$((broken+1)); continue
  fi
  log="$(mktemp)"
  if mvn -B -o -q -pl "$modules" -am verify -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djacoco.skip=true >"$log" 2>&1; then
    echo "MISSED $id: $tests still passes without the mechanism"; missed=$((missed+1))
  else
    if grep -q "COMPILATION ERROR" "$log"; then
      echo "BROKEN $id: the removal does not compile"; broken=$((broken+1))
    else
      echo "CAUGHT $id: $(grep -m1 -E 'Tests run:.*(Failures: [1-9]|Errors: [1-9])' "$log" | sed 's/.*-- in //' || echo "$tests failed")"
      caught=$((caught+1))
    fi
  fi
  git checkout -q -- "$file"
  rm -f "$log"
done < "$rows"
echo "caught $caught, missed $missed, broken $broken"
[[ $missed -eq 0 && $broken -eq 0 ]]
