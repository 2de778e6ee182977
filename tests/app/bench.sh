#!/usr/bin/env bash
# Smoke test of `pzsim bench`: it runs, prints every field in the table and in JSON, and the
# counts agree with the scenario. No timing is asserted (speed is measured, never tested).
#
# Usage: bash tests/app/bench.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"

tmp=$(mktemp -d) || fail "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT
write_small_scenario "$tmp/small.yaml"

"$PZSIM" bench --help >"$tmp/help.out" 2>&1 || fail "pzsim bench --help failed"
grep -q -- "--repeat" "$tmp/help.out" || fail "bench --help does not mention --repeat"

"$PZSIM" bench "$tmp/small.yaml" --threads 1 --repeat 2 >"$tmp/table.out" 2>"$tmp/table.err" ||
  { cat "$tmp/table.err" >&2; fail "pzsim bench (table) failed"; }
for field in "wall time" "CPU time" "agent-steps/s" "consumer-months/s" "bytes per agent" "firms" "consumers" \
  "shoppers" "peak RSS" "STREAM triad" "time per phase" shop_cbec end_month "all phases" "1 thread," "2 repeats"; do
  grep -q -- "$field" "$tmp/table.out" || { cat "$tmp/table.out" >&2; fail "table lacks '$field'"; }
done

"$PZSIM" bench "$tmp/small.yaml" --threads 2 --format json >"$tmp/bench.json" 2>"$tmp/json.err" ||
  { cat "$tmp/json.err" >&2; fail "pzsim bench --format json failed"; }
/usr/bin/python3 - "$tmp/bench.json" <<'EOF' || fail "bench JSON is wrong"
import json, sys
r = json.load(open(sys.argv[1]))
def check(ok, what):
    if not ok:
        sys.exit(f"bench JSON: {what}: {json.dumps(r)[:1500]}")
for key in ["scenario", "seed", "threads", "repeat", "months", "burn_in_months", "steps", "wall_seconds", "cpu_seconds",
            "agent_steps", "consumer_months", "agent_steps_per_wall_second", "agent_steps_per_cpu_second",
            "consumer_months_per_wall_second", "consumer_months_per_cpu_second", "memory", "peak_rss_bytes",
            "stream_triad", "phases"]:
    check(key in r, f"no {key}")
check(r["threads"] == 2, "threads")
check(r["months"] == 24 and r["burn_in_months"] == 6, "months")
check(r["steps"] == 30, "steps = months + burn-in")
stores = {m["store"]: m for m in r["memory"]}
check(sorted(stores) == ["consumers", "firms", "shoppers"], "stores")
check(all(m["agents"] > 0 and m["bytes"] > 0 for m in r["memory"]), "empty store")
# Consumer agents are a fixed population: consumer-months are agents x steps.
check(r["consumer_months"] == stores["consumers"]["agents"] * r["steps"], "consumer-months")
check(r["agent_steps"] > r["consumer_months"], "agent-steps include firms and shoppers")
check(r["wall_seconds"] > 0 and r["cpu_seconds"] > 0, "times")
check(r["peak_rss_bytes"] > sum(m["bytes"] for m in r["memory"]), "peak RSS below the stores' bytes")
check(r["stream_triad"]["bytes_per_second"] > 0 and r["stream_triad"]["array_bytes"] > 0, "STREAM triad")
names = [p["phase"] for p in r["phases"]]
check(len(names) == 20 and names[0] == "apply_zone_policy" and names[-1] == "end_month" and "shop_cbec" in names, "phases")
phase_wall = sum(p["wall_seconds"] for p in r["phases"])
check(0 < phase_wall <= r["wall_seconds"], "phase wall times exceed the run's")
EOF

# Bad input: exit 2 and nothing on stdout.
"$PZSIM" bench "$tmp/missing.yaml" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ "$rc" -eq 2 ] || fail "bench of a missing scenario: expected exit 2, got $rc"
"$PZSIM" bench "$tmp/small.yaml" --format xml >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ "$rc" -eq 2 ] || fail "bench --format xml: expected exit 2, got $rc"
echo "bench.sh: ok"
