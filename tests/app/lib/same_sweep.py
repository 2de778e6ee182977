"""Checks that two pzsim sweep folders hold the same results (used by the MPI and Slurm tests).

    /usr/bin/python3 same_sweep.py REFERENCE_DIR OTHER_DIR

Same run files (names are content hashes), every dataset of every run file and of sweep.h5
byte-identical (values, dtype, shape), and the same manifest rows apart from wall_seconds.
Attributes that record when or how long (created_utc, wall_seconds) may differ. Prints what
differs and exits 1, or prints a one-line summary and exits 0.
"""
import csv
import os
import sys

import h5py
import numpy as np


def datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                if obj.dtype.kind == "O" or h5py.check_string_dtype(obj.dtype):
                    found[name] = ("str", obj.shape, [x.decode() if isinstance(x, bytes) else x for x in np.ravel(data)])
                else:
                    found[name] = (str(obj.dtype), obj.shape, np.ascontiguousarray(data).tobytes())
        f.visititems(visit)
    return found


def compare_files(a, b, problems):
    da, db = datasets(a), datasets(b)
    if sorted(da) != sorted(db):
        problems.append(f"{b}: datasets {sorted(set(da) ^ set(db))} are in only one of the files")
    for name in sorted(set(da) & set(db)):
        if da[name] != db[name]:
            problems.append(f"{b}: dataset {name} differs from {a}")
    return len(da)


def manifest_rows(folder):
    with open(os.path.join(folder, "manifest.csv"), newline="") as f:
        return [{k: v for k, v in row.items() if k != "wall_seconds"} for row in csv.DictReader(f)]


def main():
    reference, other = sys.argv[1], sys.argv[2]
    problems = []
    runs_ref = sorted(os.listdir(os.path.join(reference, "runs")))
    runs_other = sorted(os.listdir(os.path.join(other, "runs")))
    if runs_ref != runs_other:
        problems.append(f"run files differ: only in {reference}: {sorted(set(runs_ref) - set(runs_other))}, "
                        f"only in {other}: {sorted(set(runs_other) - set(runs_ref))}")
    count = compare_files(os.path.join(reference, "sweep.h5"), os.path.join(other, "sweep.h5"), problems)
    for name in sorted(set(runs_ref) & set(runs_other)):
        compare_files(os.path.join(reference, "runs", name), os.path.join(other, "runs", name), problems)
    if manifest_rows(reference) != manifest_rows(other):
        problems.append("manifest.csv rows differ (wall_seconds aside)")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"same results: {len(runs_ref)} run files and {count} sweep.h5 datasets byte-identical")


if __name__ == "__main__":
    main()
