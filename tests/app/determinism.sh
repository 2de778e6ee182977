#!/usr/bin/env bash
# Results must not depend on the number of threads: the same small scenario (with firm and
# consumer snapshots, which expose agent order) run with --threads 1, 2 and 4 must give
# files that differ only in the root attributes created_utc and wall_seconds. A different
# seed must give different data, so the comparison can fail.
#
# Usage: bash tests/app/determinism.sh <path-to-pzsim> <source-dir>
set -u

# shellcheck source=lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"
read_arguments "$@"
PY=/usr/bin/python3
command -v h5diff >/dev/null || fail "h5diff not found (install hdf5-tools)"

make_scratch_dir
cd "$tmp" || fail "cannot cd to $tmp"

write_small_scenario "$tmp/small.yaml" 'outputs: {snapshot_every: 6}'

for threads in 1 2 4; do
  # stderr is kept apart: TBB may warn when more threads are asked for than there are cores.
  "$PZSIM" run "$tmp/small.yaml" -q --threads "$threads" -o "$tmp/t$threads.h5" 2>"$tmp/t$threads.err" ||
    { cat "$tmp/t$threads.err" >&2; fail "run with --threads $threads failed"; }
done
"$PZSIM" run "$tmp/small.yaml" -q --threads 2 --seed 12345 -o "$tmp/seed.h5" 2>"$tmp/seed.err" ||
  { cat "$tmp/seed.err" >&2; fail "run with --seed 12345 failed"; }

# Compares every object (groups, datasets: type, shape, bytes) and every attribute of two
# files; object references in attributes (DIMENSION_LIST, REFERENCE_LIST) are compared by
# the names they point to. Prints one line per difference; exit 1 if any.
cat >"$tmp/h5compare.py" <<'EOF'
import sys
import h5py
import numpy as np

IGNORED_ROOT_ATTRIBUTES = {"created_utc", "wall_seconds"}
path_a, path_b = sys.argv[1], sys.argv[2]
differences = []


def normalize(f, value):
    """Attribute value with object references replaced by the paths they point to."""
    if isinstance(value, h5py.Reference):
        return ("ref", f[value].name if value else None)
    if isinstance(value, np.ndarray):
        if value.dtype.names:
            return ("struct", value.dtype.names, [normalize(f, tuple(row)) for row in value])
        if value.dtype == object:
            return ("objarray", value.shape, [normalize(f, v) for v in value.ravel()])
        return ("array", str(value.dtype), value.shape, value.tobytes())
    if isinstance(value, (tuple, list, np.void)):
        return ("seq", [normalize(f, v) for v in value])
    if isinstance(value, np.generic):
        return ("scalar", str(value.dtype), value.tobytes())
    return ("value", value)


def objects(f):
    names = {"/": f}
    f.visititems(lambda name, obj: names.__setitem__("/" + name, obj))
    return names


with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
    oa, ob = objects(fa), objects(fb)
    for name in sorted(set(oa) ^ set(ob)):
        differences.append(f"{name}: only in {path_a if name in oa else path_b}")
    for name in sorted(set(oa) & set(ob)):
        a, b = oa[name], ob[name]
        if type(a) is not type(b):
            differences.append(f"{name}: {type(a).__name__} vs {type(b).__name__}")
            continue
        if isinstance(a, h5py.Dataset):
            if a.dtype != b.dtype or a.shape != b.shape:
                differences.append(f"{name}: dtype/shape {a.dtype}{a.shape} vs {b.dtype}{b.shape}")
            else:
                va, vb = np.asarray(a[()]), np.asarray(b[()])
                if va.dtype == object:  # variable-length strings: compare the values
                    same = all(x == y for x, y in zip(va.ravel(), vb.ravel()))
                else:
                    same = va.tobytes() == vb.tobytes()
                if not same:
                    differences.append(f"{name}: data differ")
        keys_a, keys_b = set(a.attrs.keys()), set(b.attrs.keys())
        for key in sorted(keys_a ^ keys_b):
            differences.append(f"{name} attribute {key}: only in one file")
        for key in sorted(keys_a & keys_b):
            if name == "/" and key in IGNORED_ROOT_ATTRIBUTES:
                continue
            if normalize(fa, a.attrs[key]) != normalize(fb, b.attrs[key]):
                differences.append(f"{name} attribute {key}: {str(a.attrs[key])[:60]!r} vs {str(b.attrs[key])[:60]!r}")
    datasets = sum(isinstance(o, h5py.Dataset) for o in oa.values())

for line in differences[:50]:
    print(line)
if len(differences) > 50:
    print(f"... {len(differences)} differences in all")
print(f"{path_a} vs {path_b}: {datasets} datasets, {len(differences)} differences")
sys.exit(1 if differences else 0)
EOF

# The files must hold the snapshots (otherwise this test would not cover agent order).
"$PY" - "$tmp/t1.h5" <<'EOF' || fail "t1.h5 has no firm snapshots; the test scenario's outputs.snapshot_every did not take"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    sys.exit(0 if "snapshots" in f and any("firms" in g for g in f["snapshots"].values()) else 1)
EOF

for threads in 2 4; do
  "$PY" "$tmp/h5compare.py" "$tmp/t1.h5" "$tmp/t$threads.h5" >"$tmp/cmp$threads.txt" 2>&1 ||
    { cat "$tmp/cmp$threads.txt" >&2; fail "--threads 1 and --threads $threads give different results"; }
  # Independent check with h5diff, root attributes excluded (created_utc, wall_seconds differ).
  h5diff --exclude-attribute / "$tmp/t1.h5" "$tmp/t$threads.h5" >"$tmp/h5diff$threads.txt" 2>&1 ||
    { head -40 "$tmp/h5diff$threads.txt" >&2; fail "h5diff finds differences between --threads 1 and --threads $threads"; }
done

# A different seed must be detected by the same comparison.
if "$PY" "$tmp/h5compare.py" "$tmp/t2.h5" "$tmp/seed.h5" >"$tmp/cmpseed.txt" 2>&1; then
  cat "$tmp/cmpseed.txt" >&2
  fail "a different --seed gives identical results (or the comparison cannot see differences)"
fi
grep -q "data differ" "$tmp/cmpseed.txt" || { cat "$tmp/cmpseed.txt" >&2; fail "a different --seed gives the same data"; }
grep -q "^/employment: data differ" "$tmp/cmpseed.txt" || { cat "$tmp/cmpseed.txt" >&2; fail "a different --seed gives the same employment"; }
if h5diff -q --exclude-attribute / "$tmp/t2.h5" "$tmp/seed.h5" >/dev/null 2>&1; then
  fail "h5diff finds no difference between two seeds"
fi

echo "determinism.sh: --threads 1, 2, 4 give identical files; another seed differs"
