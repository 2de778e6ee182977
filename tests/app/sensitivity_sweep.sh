#!/usr/bin/env bash
# `pzsim sensitivity` on a real Saltelli sweep made by `pzsim sweep` (the synthetic
# contract-layout files of tests/sensitivity check the numbers; this checks that the two
# commands agree on the layout): 2 base samples x 2 factors = 8 short runs.
#
# Usage: bash tests/app/sensitivity_sweep.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"
tmp=$(mktemp -d) || fail "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/sobol.yaml" <<YAML
description: "Saltelli design of two zone instruments, for the sensitivity test"
scenario: $DEFAULT
set:
  run.start: 2015-01
  run.months: 24
  run.burn_in_months: 6
  firms.count: 1500
  consumers.agents_per_destination: 2000
design:
  type: saltelli
  samples: 2
  factors:
    zones.information.strength: {min: 0, max: 1}
    zones.financial.strength: {min: 0, max: 1}
seeds: 1
collect:
  variables: [exports_cbec_recorded_usd]
  aggregate: [nation, zone]
YAML
"$PZSIM" sweep "$tmp/sobol.yaml" -o "$tmp/sweep" --threads 2 -q >"$tmp/sweep.log" 2>&1 ||
  { cat "$tmp/sweep.log" >&2; fail "pzsim sweep of the Saltelli design failed"; }
"$PZSIM" sensitivity "$tmp/sweep" --output exports_cbec_recorded_usd --format csv >"$tmp/indices.csv" 2>"$tmp/indices.err" ||
  { cat "$tmp/indices.err" >&2; fail "pzsim sensitivity of a real Saltelli sweep failed"; }
[ "$(head -n 1 "$tmp/indices.csv")" = "output,cell,factor,first_order,first_order_lo,first_order_hi,total,total_lo,total_hi" ] ||
  { cat "$tmp/indices.csv" >&2; fail "unexpected CSV header"; }
for cell in nation zone; do
  for factor in zones.information.strength zones.financial.strength; do
    grep -q "^exports_cbec_recorded_usd,aggregate=$cell,$factor,[-0-9.e]*,[-0-9.e]*,[-0-9.e]*,[-0-9.e]*," "$tmp/indices.csv" ||
      { cat "$tmp/indices.csv" >&2; fail "no numeric row for $factor ($cell)"; }
  done
done
[ "$(wc -l <"$tmp/indices.csv")" -eq 5 ] || { cat "$tmp/indices.csv" >&2; fail "expected 4 rows of indices"; }

# A grid sweep has no Saltelli blocks: refused with exit 2 and a reason.
"$PZSIM" sweep "$DEFAULT" --grid zones.information.strength=0,1 --set run.start=2015-01 --set run.months=24 \
  --set run.burn_in_months=6 --set firms.count=1500 --set consumers.agents_per_destination=2000 \
  -o "$tmp/grid" --threads 2 -q >"$tmp/grid.log" 2>&1 || { cat "$tmp/grid.log" >&2; fail "the grid sweep failed"; }
"$PZSIM" sensitivity "$tmp/grid" --output exports_cbec_recorded_usd >"$tmp/grid.out" 2>"$tmp/grid.err"
rc=$?
[ $rc -eq 2 ] || fail "sensitivity of a grid sweep: expected exit 2, got $rc"
grep -q "'grid' sweep; Sobol indices need a saltelli design" "$tmp/grid.err" || { cat "$tmp/grid.err" >&2; fail "no reason given for refusing a grid sweep"; }
echo "PASS: pzsim sensitivity reads pzsim sweep's Saltelli sweep.h5"
