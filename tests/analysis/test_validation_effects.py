#!/usr/bin/python3
"""analysis/validation_effects.py: the effects block of docs/validation.md (which docs/model.md
quotes) from comparison rows whose answers are known: the displacement rows as compare made
them, n/a rows with their note, the status-only checks, and the rewrite between the markers.

Usage: /usr/bin/python3 tests/analysis/test_validation_effects.py <path-to-pzsim> <source-dir>
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

source = sys.argv[2]
sys.path.insert(0, os.path.join(source, "analysis"))  # validation_effects imports markers from there
spec = importlib.util.spec_from_file_location("validation_effects", os.path.join(source, "analysis", "validation_effects.py"))
ve = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ve)
check = Checks()


def row(scenario, estimand, metric, per_seed, pct, contains_zero):
    m = sum(x for x in per_seed if x is not None) / len(per_seed)
    return {"scenario": scenario, "estimand": estimand, "metric": metric, "unit": "USD", "policy_mean": 0,
            "counterfactual_mean": 0, "effect_mean": m, "effect_lo": m - 1, "effect_hi": m + 1,
            "effect_pct_mean": pct, "n": len(per_seed), "contains_zero": contains_zero, "per_seed": per_seed}


comparison = {"seeds": [1, 2, 3], "interval": "paired t, 95%",
              "scenarios": [{"name": "historical"}, {"name": "status-only"}],
              "rows": [row("historical", "direct", "exports_cbec_usd", [4e9, 6e9, 5e9], 10.0, False),
                       row("historical", "spillover", "exports_cbec_usd", [-1e9, -2e9, -0.0], -1.0, True),
                       row("historical", "national", "exports_cbec_usd", [3e9, 4e9, 5e9], 3.0, False),
                       dict(row("historical", "displacement", "exports_cbec_usd", [25.0, 33.3, 0.0], None, False),
                            effect_mean=20.0, effect_lo=5.0, effect_hi=35.0),
                       dict(row("historical", "displacement", "net_jobs_end", [None, 10.0, 30.0], None, True),
                            effect_mean=None, effect_lo=None, effect_hi=None,
                            note="n/a: the interval of the zone cities' effect contains 0"),
                       row("status-only", "direct", "exports_cbec_usd", [1e7, -1e7, 3e7], 2.5, True),
                       row("status-only", "national", "exports_cbec_usd", [1e7, -1e7, 3e7], 0.1, True)]}
text = ve.block(comparison)
check("| historical | CBEC exports, real channel, whole run | 20.0% | [5.0%, 35.0%] | [0%, 33%] |  |" in text,
      "displacement row of the block:\n" + text)
check("| historical | employment at the end | n/a | - | [10%, 30%] | n/a: the interval of the zone cities' effect contains 0 |" in text,
      "undefined displacement row:\n" + text)
check("+2.50% of the counterfactual (criterion: within +-2%): **missed**" in text, "status-only +-2% check")
check("(criterion: the interval contains 0): **met**" in text, "status-only national check")

# The command rewrites only the text between the markers, and refuses a document without them.
with tempfile.TemporaryDirectory() as tmp:
    cj = os.path.join(tmp, "comparison.json")
    json.dump(comparison, open(cj, "w"))
    doc = os.path.join(tmp, "doc.md")
    open(doc, "w").write(f"before\n{ve.BEGIN}\nold\n{ve.END}\nafter\n")
    script = os.path.join(source, "analysis", "validation_effects.py")
    r = subprocess.run(["/usr/bin/python3", script, cj, doc, "abc1234", "2026-12-02T05:00Z"], capture_output=True, text=True)
    new = open(doc).read()
    check(r.returncode == 0 and new.startswith("before\n") and new.endswith("after\n") and "old" not in new
          and "abc1234" in new, f"rewrite: rc {r.returncode} {r.stderr}\n{new}")
    open(doc, "w").write("no markers\n")
    r = subprocess.run(["/usr/bin/python3", script, cj, doc, "abc1234", "now"], capture_output=True, text=True)
    check(r.returncode != 0 and "markers" in r.stderr, f"missing markers: rc {r.returncode} {r.stderr}")

check.finish("ok")
