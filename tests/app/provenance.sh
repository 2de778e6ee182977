#!/usr/bin/env bash
# Provenance: the commit that `pzsim --version` and every output's git_commit attribute name is
# the commit the binary was built from, never the one CMake was configured at.
#  1. cmake/write_version.cmake on a scratch git repository: a new commit changes the generated
#     source, an edit to a tracked file adds "-dirty", an unchanged tree leaves the file as it is
#     (not rewritten, so nothing recompiles), no git gives "unknown".
#  2. The built binary: --version and a run's git_commit equal `git rev-parse --short=12 HEAD` of
#     the source tree (plus "-dirty" when its tracked files differ from HEAD).
#
# Usage: bash tests/app/provenance.sh <path-to-pzsim> <source-dir>
set -u
# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"
command -v git >/dev/null || fail "git is needed to check provenance (install git)"
tmp=$(mktemp -d) || fail "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT

# --- 1. the generator script -----------------------------------------------------------------
repo="$tmp/repo"
mkdir -p "$repo" && cd "$repo" || fail "cannot make $repo"
git init -q . && git config user.email t@example.org && git config user.name test || fail "git init failed"
echo one >tracked.txt && git add tracked.txt && git commit -qm one || fail "first commit failed"
gen() { cmake -DSRC="$repo" -DOUT="$tmp/version.cpp" -P "$SRC/cmake/write_version.cmake" || fail "write_version.cmake failed"; }
gen
first=$(git rev-parse --short=12 HEAD)
grep -q "kGitCommit = \"$first\";" "$tmp/version.cpp" || fail "first commit $first not in: $(cat "$tmp/version.cpp")"
touch -d '2001-01-01' "$tmp/version.cpp"
gen
[ "$(stat -c %Y "$tmp/version.cpp")" = "$(date -d '2001-01-01' +%s)" ] || fail "an unchanged commit rewrote version.cpp (it would recompile)"
echo two >tracked.txt
gen
grep -q "kGitCommit = \"$first-dirty\";" "$tmp/version.cpp" || fail "an edited tracked file should give $first-dirty: $(cat "$tmp/version.cpp")"
git commit -qam two || fail "second commit failed"
gen
second=$(git rev-parse --short=12 HEAD)
[ "$second" != "$first" ] || fail "two commits with one hash"
grep -q "kGitCommit = \"$second\";" "$tmp/version.cpp" || fail "after a new commit: expected $second in $(cat "$tmp/version.cpp")"
echo untracked >new.txt
gen
grep -q "kGitCommit = \"$second\";" "$tmp/version.cpp" || fail "an untracked file must not make the tree dirty"
rm -rf .git
gen
grep -q 'kGitCommit = "unknown";' "$tmp/version.cpp" || fail "outside git: expected unknown, got $(cat "$tmp/version.cpp")"

# --- 2. the binary ----------------------------------------------------------------------------
cd "$tmp" || fail "cannot cd to $tmp"
git -C "$SRC" rev-parse HEAD >/dev/null 2>&1 || fail "$SRC is not a git checkout: cannot check the binary's commit"
expected=$(git -C "$SRC" rev-parse --short=12 HEAD)
[ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] && expected="$expected-dirty"
version=$("$PZSIM" --version) || fail "pzsim --version failed"
[[ "$version" == *"($expected)"* ]] ||
  fail "pzsim --version says '$version', the source tree is at $expected: rebuild (the build regenerates the commit)"
write_small_scenario "$tmp/small.yaml"
"$PZSIM" run "$tmp/small.yaml" -q -o "$tmp/out.h5" || fail "small run failed"
got=$(/usr/bin/python3 -c "import h5py,sys; a=h5py.File(sys.argv[1])['/'].attrs['git_commit']; print(a.decode() if isinstance(a, bytes) else a)" "$tmp/out.h5") ||
  fail "cannot read git_commit from the output"
[ "$got" = "$expected" ] || fail "the output's git_commit is '$got', expected $expected"
echo "provenance: ok ($expected)"
