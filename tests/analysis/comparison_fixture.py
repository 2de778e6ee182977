"""Test helper (not a test): a `pzsim compare -o DIR` folder (contract 1: DIR/comparison.json,
DIR/comparison.csv, DIR/runs/<label>-s<seed>.h5) made by the multi-seed `pzsim compare` itself.
"""
import json
import os
import subprocess


def make(pzsim, scenario, seeds, overrides, directory):
    command = [pzsim, "compare", scenario, "--seeds", ",".join(str(s) for s in seeds), "-o", directory, "-q",
               "--threads", "2"]
    for o in overrides:
        command += ["--set", o]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(directory, "comparison.json")) as f:
        return json.load(f)
