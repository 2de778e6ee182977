#!/usr/bin/python3
"""analysis/stationarity.py: the seed-stability and burn-in block of docs/validation.md, from
evidence reports whose answers are known: a row drawn from one distribution passes the split
half, a row whose second half of seeds is shifted fails it, a seed far from the others is named,
a row moved by the longer burn-in is flagged and an unmoved one is not; the text outside the
markers is kept; bad input exits 2.

Usage: /usr/bin/python3 tests/analysis/test_stationarity.py <path-to-pzsim> <source-dir>
"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

source = sys.argv[2]
script = os.path.join(source, "analysis", "stationarity.py")
check = Checks()


def report(seeds, rows):
    return {"targets": "t.yaml", "seeds": seeds, "policy_files": [], "counterfactual_files": [],
            "rows": [{"id": rid, "unit": "u", "status": "measured", "per_seed": values} for rid, values in rows.items()]
            + [{"id": "not_measured", "unit": "u", "status": "not measurable", "per_seed": []}]}


rng = random.Random(7)
seeds = list(range(1, 21))
steady = [100 + rng.gauss(0, 5) for _ in seeds]
shifted = [100 + rng.gauss(0, 1) for _ in seeds[:10]] + [110 + rng.gauss(0, 1) for _ in seeds[10:]]
outlying = [50 + rng.gauss(0, 1) for _ in seeds]
outlying[6] = 90.0  # seed 7
main = report(seeds, {"steady": steady, "shifted": shifted, "outlying": outlying})
long_seeds = seeds[:10]
burn = report(long_seeds, {"steady": [v + rng.gauss(0, 0.5) for v in steady[:10]],
                           "shifted": [v + 20 for v in shifted[:10]],
                           "outlying": outlying[:10]})

with tempfile.TemporaryDirectory() as tmp:
    paths = {}
    for name, doc in (("main", main), ("burn", burn)):
        paths[name] = os.path.join(tmp, f"{name}.json")
        with open(paths[name], "w") as fh:
            json.dump(doc, fh)
    doc = os.path.join(tmp, "validation.md")
    begin = "<!-- BEGIN STATIONARITY by scripts/make-validation: do not edit by hand -->"
    end = "<!-- END STATIONARITY -->"
    with open(doc, "w") as fh:
        fh.write(f"# Head\n\nkept before\n\n{begin}\nold text\n{end}\n\nkept after\n")
    done = subprocess.run(["/usr/bin/python3", script, paths["main"], paths["burn"], doc, "36", "72", "a note"],
                          capture_output=True, text=True)
    check(done.returncode == 0, f"exit {done.returncode}: {done.stderr}")
    text = open(doc).read()
    check("kept before" in text and "kept after" in text and "old text" not in text, "the rewrite keeps only the outside")
    check(text.count(begin) == 1 and text.count(end) == 1, "one pair of markers")
    check("_a note_" in text, "the note is written")
    lines = {l.split("|")[1].strip(): l for l in text.splitlines() if l.startswith("| ") and not l.startswith("| row")}
    check("3 evidence rows measured" in text, "rows measured at every seed are counted (the unmeasured one left out)")
    check("|z| > 2.58 in **1 of 3** rows (shifted)" in text, "only the shifted row fails the split half")
    check("steady" in lines and "**!**" not in lines.get("steady", "**!**").split("|")[6], "the steady row passes the split half")
    check("seed 7 on 1 (outlying" in text, "the outlying seed is named, grouped by seed")
    check("10 seeds 1-10" in text, "the burn-in seeds are counted and sorted")
    check("**1 of 3** rows (shifted)." in text, "only the row the burn-in moved is flagged")

    # Bad input: not an evidence report, missing markers.
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as fh:
        fh.write("{\"rows\": []}")
    done = subprocess.run(["/usr/bin/python3", script, bad, paths["burn"], doc, "36", "72"], capture_output=True, text=True)
    check(done.returncode == 2 and "not a `pzsim evidence" in done.stderr, f"a foreign report exits 2: {done.returncode} {done.stderr}")
    with open(doc, "w") as fh:
        fh.write("no markers\n")
    done = subprocess.run(["/usr/bin/python3", script, paths["main"], paths["burn"], doc, "36", "72"], capture_output=True, text=True)
    check(done.returncode == 2 and "markers are missing" in done.stderr, "missing markers exit 2")

check.finish("test_stationarity: all checks passed")
