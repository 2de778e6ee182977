"""sweep.h5 opens with xarray.open_dataset (no dask) and shows the factor dimensions: a grid
sweep from flags and a Saltelli sweep from a sweep file (point dimension, factor coordinates,
A/B/AB_i blocks as CONTRACTS.md section 5 says). Both pass the CF-1.8 check of analysis/cf_check.py.

Usage: /usr/bin/python3 tests/sweep/test_sweep_xarray.py <path-to-pzsim> <source-dir>
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

pzsim, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
default = os.path.join(src, "scenarios", "default.yaml")
sys.path.insert(0, os.path.join(src, "analysis"))
import cf_check  # noqa: E402
small = ["run.start=2015-01", "run.months=24", "firms.count=1500", "consumers.agents_per_destination=2000"]


def sweep(args):
    result = subprocess.run([pzsim, "sweep", *args, "-q"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: pzsim sweep {' '.join(args)} exited {result.returncode}: {result.stderr}")


with tempfile.TemporaryDirectory() as tmp:
    # Grid from flags: one dimension per factor, coordinates = the values.
    grid = os.path.join(tmp, "grid")
    args = [default, "--grid", "zones.financial.strength=0,1", "--grid", "zones.information.strength=0.5", "--seeds", "1-2"]
    for s in small:
        args += ["--set", s]
    sweep(args + ["-o", grid, "--collect", "employment", "--collect", "wage_cny"])
    ds = xr.open_dataset(os.path.join(grid, "sweep.h5"))  # default engine, no chunks: no dask needed
    assert ds["employment"].dims == ("zones.financial.strength", "zones.information.strength", "seed", "time", "aggregate"), ds["employment"].dims
    assert list(ds["zones.financial.strength"].values) == [0.0, 1.0]
    assert list(ds["seed"].values) == [1.0, 2.0]
    assert list(ds["aggregate"].values) == ["nation", "zone", "other"]
    assert ds.sizes["time"] == 24 and str(ds["time"].values[0])[:7] == "2015-01"
    assert ds.attrs["design"] == "grid" and ds.attrs["factors"] == "zones.financial.strength,zones.information.strength"
    assert int(ds["status"].sum()) == 4
    nation = ds["employment"].sel(aggregate="nation")
    parts = ds["employment"].sel(aggregate="zone") + ds["employment"].sel(aggregate="other")
    assert np.allclose(nation, parts, rtol=1e-12), "zone + other != nation"
    assert np.all(np.isfinite(ds["wage_cny"].values))
    problems = cf_check.check_file(os.path.join(grid, "sweep.h5"))
    assert not problems, f"grid sweep.h5 fails the CF check: {problems}"
    assert ds["employment"].attrs.get("cell_methods") is None and ds["wage_cny"].attrs["currency"] == "CNY"
    print("grid: dims", dict(ds.sizes))

    # Saltelli from a sweep file: point dimension, factor coordinates (point,), blocks.
    sal = os.path.join(tmp, "saltelli.yaml")
    with open(sal, "w") as f:
        f.write(f"scenario: {default}\nset:\n" + "".join(f"  {s.split('=')[0]}: {s.split('=')[1]}\n" for s in small) +
                "design:\n  type: saltelli\n  samples: 2\n  factors:\n"
                "    zones.financial.strength: {min: 0, max: 1}\n    zones.enforcement.strength: {min: 0, max: 0.5}\n"
                "seeds: 1\ncollect: {variables: [employment], aggregate: [nation]}\n")
    out = os.path.join(tmp, "sal")
    sweep([sal, "-o", out])
    ds = xr.open_dataset(os.path.join(out, "sweep.h5"))
    assert ds["employment"].dims == ("point", "seed", "time", "aggregate"), ds["employment"].dims
    assert ds.sizes["point"] == 2 * (2 + 2)
    assert ds.attrs["design"] == "saltelli" and int(ds.attrs["saltelli_base_samples"]) == 2
    assert ds.attrs["factors"] == "zones.financial.strength,zones.enforcement.strength"
    x = np.stack([ds[k].values for k in ds.attrs["factors"].split(",")], axis=1)  # coordinates on `point`
    assert "zones.financial.strength" in ds.coords and "zones.financial.strength" in ds["employment"].coords
    n, k = 2, 2
    a, b = x[:n], x[n:2 * n]
    for i in range(k):
        ab = x[(2 + i) * n:(3 + i) * n]
        expected = a.copy()
        expected[:, i] = b[:, i]
        assert np.array_equal(ab, expected), f"AB_{i + 1} is not A with column {i + 1} from B"
    assert np.all((x[:, 1] >= 0) & (x[:, 1] <= 0.5))
    assert int(ds["status"].sum()) == n * (k + 2)
    problems = cf_check.check_file(os.path.join(out, "sweep.h5"))
    assert not problems, f"saltelli sweep.h5 fails the CF check: {problems}"
    print("saltelli: dims", dict(ds.sizes))
print("ok")
