#!/usr/bin/env bash
# Catch2 tags are CTest labels: `ctest -L rules` lists exactly the TEST_CASEs tagged [rules] in
# the sources; `ctest -L model` those tagged [model] plus the Python checks in tests/model/.
#
# Usage: bash tests/app/labels.sh <path-to-pzsim> <source-dir>
set -u
# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"
build=$(dirname "$(dirname "$PZSIM")")
[ -f "$build/CTestTestfile.cmake" ] || fail "$build is not the build folder of $PZSIM"
listed() { ctest --test-dir "$build" -N -L "$1" | sed -n 's/^Total Tests: //p'; }
tagged() { grep -rhoE "\"(\[[a-z_]+\])*\[$1\](\[[a-z_]+\])*\"\) \{" "$SRC/tests" --include=*.cpp | wc -l; }
# Each label: the TEST_CASEs tagged with it plus the Python checks in tests/<label>/.
for tag in rules model sweep compare; do
  py=$(compgen -G "$SRC/tests/$tag/test_*.py" | wc -l)
  want=$(($(tagged "$tag") + py))
  got=$(listed "^$tag\$")
  [ "$(tagged "$tag")" -gt 0 ] || fail "no TEST_CASE tagged [$tag] found in $SRC/tests"
  [ "$got" = "$want" ] || fail "ctest -L $tag lists $got tests, expected $want ([$tag] cases and tests/$tag/test_*.py)"
done
echo "labels: ok (rules $(listed '^rules$'), model $(listed '^model$'))"
