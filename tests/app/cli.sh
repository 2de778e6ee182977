#!/usr/bin/env bash
# End-to-end checks of the pzsim command line: help and version, exit codes (0 success,
# 2 bad input, 1 I/O failure), scenario errors with file:line:column and a suggestion,
# validate --print round trip, refusal to overwrite, no half-written files, compare.
#
# Usage: bash tests/app/cli.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

make_scratch_dir
cd "$tmp" || fail "cannot cd to $tmp"

write_small_scenario "$tmp/small.yaml"

# --- help and version -------------------------------------------------------------------
run_pz help --help
expect_rc help 0 "pzsim --help"
for word in run validate compare schema --version --help; do expect_in help out "$word" "pzsim --help"; done

run_pz run_help run --help
expect_rc run_help 0 "pzsim run --help"
for word in scenario --set --seed --threads --quiet --output --force; do expect_in run_help out "$word" "pzsim run --help"; done

run_pz validate_help validate --help
expect_rc validate_help 0 "pzsim validate --help"
for word in scenario --set --seed --print; do expect_in validate_help out "$word" "pzsim validate --help"; done

run_pz compare_help compare --help
expect_rc compare_help 0 "pzsim compare --help"
for word in scenarios --set --seeds --replications --bootstrap --by-cohort --format --threads --quiet --output-dir --force; do
  expect_in compare_help out "$word" "pzsim compare --help"
done

run_pz schema_help schema --help
expect_rc schema_help 0 "pzsim schema --help"
expect_in schema_help out "schema" "pzsim schema --help"
expect_in schema_help out "--help" "pzsim schema --help"

run_pz version --version
expect_rc version 0 "pzsim --version"
grep -qE '^pzsim [0-9]+\.[0-9]+\.[0-9]+' "$tmp/version.out" || { show version >&2; fail "pzsim --version does not print 'pzsim X.Y.Z'"; }

run_pz schema schema
expect_rc schema 0 "pzsim schema"
[ -s "$tmp/schema.out" ] || fail "pzsim schema printed nothing"

# --- bad command lines ------------------------------------------------------------------
run_pz nosub
expect_rc nosub 2 "pzsim without a subcommand"
[ -s "$tmp/nosub.err" ] || fail "pzsim without a subcommand: no message on stderr"
run_pz unknown_sub frobnicate
expect_rc unknown_sub 2 "pzsim frobnicate (unknown subcommand)"
run_pz unknown_opt --no-such-option
expect_rc unknown_opt 2 "pzsim --no-such-option"
run_pz unknown_run_opt run --no-such-option "$tmp/small.yaml" -o "$tmp/unknown_opt.h5"
expect_rc unknown_run_opt 2 "pzsim run --no-such-option"
expect_in unknown_run_opt err "--no-such-option" "pzsim run --no-such-option names the option"
no_leftovers "$tmp/unknown_opt.h5" "pzsim run --no-such-option"
run_pz missing_scenario run
expect_rc missing_scenario 2 "pzsim run without a scenario"
run_pz bad_threads run "$tmp/small.yaml" --threads 0 -o "$tmp/threads0.h5"
expect_rc bad_threads 2 "pzsim run --threads 0"
no_leftovers "$tmp/threads0.h5" "pzsim run --threads 0"

# --- validate ---------------------------------------------------------------------------
run_pz validate_default validate "$DEFAULT"
expect_rc validate_default 0 "pzsim validate scenarios/default.yaml"
expect_in validate_default out "valid" "pzsim validate scenarios/default.yaml"

run_pz print1 validate --print "$DEFAULT"
expect_rc print1 0 "pzsim validate --print scenarios/default.yaml"
[ -s "$tmp/print1.out" ] || fail "validate --print printed nothing"
run_pz print2 validate --print "$DEFAULT"
cmp -s "$tmp/print1.out" "$tmp/print2.out" || fail "validate --print gives different text on two runs (diff $tmp/print1.out $tmp/print2.out)"
cp "$tmp/print1.out" "$tmp/printed.yaml"
run_pz printed validate "$tmp/printed.yaml"
expect_rc printed 0 "validate of the output of validate --print"
run_pz reprint validate --print "$tmp/printed.yaml"
expect_rc reprint 0 "validate --print of the output of validate --print"
if ! cmp -s "$tmp/printed.yaml" "$tmp/reprint.out"; then
  diff "$tmp/printed.yaml" "$tmp/reprint.out" | head -20 >&2
  fail "validate --print of a printed scenario does not give back the same text"
fi

# --- scenario errors --------------------------------------------------------------------
# The typo key 'cuont' is on line 2, column 9 (1-based).
printf 'extends: %s\nfirms: {cuont: 5}\n' "$DEFAULT" >"$tmp/bad.yaml"
run_pz typo validate "$tmp/bad.yaml"
expect_rc typo 2 "validate of a scenario with the typo key firms.cuont"
expect_in typo err "bad.yaml:2:9" "typo key: message gives file:line:column"
expect_in typo err "firms.cuont" "typo key: message gives the key path"
expect_in typo err "did you mean" "typo key: message suggests a correction"
expect_in typo err "count" "typo key: message suggests 'count'"

run_pz typo_run run "$tmp/bad.yaml" -o "$tmp/bad.h5"
expect_rc typo_run 2 "run of a scenario with a typo key"
expect_in typo_run err "firms.cuont" "run of a scenario with a typo key"
no_leftovers "$tmp/bad.h5" "run of a scenario with a typo key"

run_pz nofile validate "$tmp/no-such-scenario.yaml"
expect_rc nofile 2 "validate of a nonexistent scenario file"
expect_in nofile err "no-such-scenario.yaml" "nonexistent scenario: message names the path"
run_pz nofile_run run "$tmp/no-such-scenario.yaml" -o "$tmp/nofile.h5"
expect_rc nofile_run 2 "run of a nonexistent scenario file"
no_leftovers "$tmp/nofile.h5" "run of a nonexistent scenario file"

run_pz set_abc validate "$DEFAULT" --set firms.count=abc
expect_rc set_abc 2 "--set firms.count=abc"
expect_in set_abc err "firms.count" "--set firms.count=abc: message names the key"
run_pz set_abc_run run "$tmp/small.yaml" --set firms.count=abc -o "$tmp/set_abc.h5"
expect_rc set_abc_run 2 "run --set firms.count=abc"
no_leftovers "$tmp/set_abc.h5" "run --set firms.count=abc"
run_pz set_unknown validate "$DEFAULT" --set firms.cuont=5
expect_rc set_unknown 2 "--set firms.cuont=5 (unknown key)"
run_pz set_noeq validate "$DEFAULT" --set firms.count
expect_rc set_noeq 2 "--set firms.count (no '=')"

# --- run: overwrite protection, bad output folder ---------------------------------------
run_pz run1 run "$tmp/small.yaml" -q -o "$tmp/out.h5"
expect_rc run1 0 "run of a small scenario"
[ -s "$tmp/out.h5" ] || fail "run of a small scenario: $tmp/out.h5 missing or empty"
[ -z "$(compgen -G "$tmp/out.h5.tmp-*")" ] || fail "successful run left a temporary file"
sum1=$(sha256sum <"$tmp/out.h5")
run_pz run2 run "$tmp/small.yaml" -q --seed 99 -o "$tmp/out.h5"
expect_rc run2 2 "second run to the same -o without --force"
expect_in run2 err "out.h5" "refusal to overwrite names the file"
expect_in run2 err "--force" "refusal to overwrite mentions --force"
[ "$(sha256sum <"$tmp/out.h5")" = "$sum1" ] || fail "second run without --force changed the first file"
[ -z "$(compgen -G "$tmp/out.h5.tmp-*")" ] || fail "refused run left a temporary file"
run_pz run3 run "$tmp/small.yaml" -q --seed 99 --force -o "$tmp/out.h5"
expect_rc run3 0 "run with --force over an existing file"
[ "$(sha256sum <"$tmp/out.h5")" != "$sum1" ] || fail "run --force with another seed did not replace the file"

run_pz nodir run "$tmp/small.yaml" -q -o /nonexistent-dir/x.h5
expect_rc nodir 1 "run -o /nonexistent-dir/x.h5"
expect_in nodir err "/nonexistent-dir/x.h5" "run -o /nonexistent-dir/x.h5: message names the path"

# --- compare ----------------------------------------------------------------------------
run_pz compare compare "$tmp/small.yaml" -q --seeds 1-2 --threads 2
expect_rc compare 0 "compare of a small scenario"
for text in "uncalibrated priors" "docs/model.md" "seeds: 1-2" "20 cities (0 real, 20 synthetic)" "a toy" \
  "small | all 20 cities in the scenario" "small | 8 zone cities: direct effect" "small | 12 other cities: spillover" \
  "net jobs (employment at the end)" "gross hires"; do
  expect_in compare out "$text" "compare table"
done
if grep -q "^National" "$tmp/compare.out"; then show compare >&2; fail "compare labels the toy scenario 'National'"; fi
mkdir "$tmp/cmp" || fail "cannot create $tmp/cmp"
run_pz compare_o compare "$tmp/small.yaml" -q --seeds 1-2 -o "$tmp/cmp"
expect_rc compare_o 0 "compare -o DIR"
for f in comparison.json comparison.csv runs/small-s1.h5 runs/small-s2.h5; do
  [ -s "$tmp/cmp/$f" ] || fail "compare -o DIR did not write $tmp/cmp/$f (folder holds: $(ls -A "$tmp/cmp" "$tmp/cmp/runs"))"
done
[ "$(compgen -G "$tmp/cmp/runs/counterfactual-*-s2.h5" | wc -l)" -eq 1 ] ||
  fail "compare -o DIR: expected one counterfactual file for seed 2, found: $(ls "$tmp/cmp/runs")"
sums=$(cd "$tmp/cmp" && sha256sum comparison.json runs/*.h5)
run_pz compare_o2 compare "$tmp/small.yaml" -q --seeds 1-2 -o "$tmp/cmp"
expect_rc compare_o2 2 "second compare -o DIR without --force"
[ "$(cd "$tmp/cmp" && sha256sum comparison.json runs/*.h5)" = "$sums" ] ||
  fail "second compare -o DIR without --force changed the existing files"
[ "$(ls -A "$tmp/cmp/runs" | wc -l)" -eq 4 ] || fail "refused compare left extra files: $(ls -A "$tmp/cmp/runs")"
run_pz compare_both compare "$tmp/small.yaml" -q --seeds 1-2 --replications 2
expect_rc compare_both 2 "compare with --seeds and --replications"
run_pz compare_badseeds compare "$tmp/small.yaml" -q --seeds 3-1
expect_rc compare_badseeds 2 "compare --seeds 3-1"
expect_in compare_badseeds err "backwards" "compare --seeds 3-1 message"
run_pz compare_format compare "$tmp/small.yaml" -q --format xml
expect_rc compare_format 2 "compare --format xml"

echo "cli.sh: all checks passed"
