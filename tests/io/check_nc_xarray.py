#!/usr/bin/python3
"""Checks that xarray (h5netcdf engine) reads an NcWriter file cleanly.

Usage: /usr/bin/python3 tests/io/check_nc_xarray.py [pzsim-binary] [source-dir]
The arguments are accepted for the ctest convention and ignored for now: the file comes from
the environment variable PZSIM_NC_FIXTURE (e.g. h5_fixture.h5 written by
`pzsim_tests "[fixture]"`). Without it the script prints "skip" and exits 0.

Any warning while opening or decoding fails the check; so does a variable without
`long_name`, a number without `units` (flags and bounds aside), or a time coordinate that does not decode to datetime64.
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402


def short(value, limit=6, width=60):
    """A printable, bounded form of a value list or a long attribute."""
    if isinstance(value, list):
        return value if len(value) <= limit else value[: limit - 1] + [f"... ({len(value)} in all)", value[-1]]
    if isinstance(value, str) and len(value) > width:
        return value[: width - 3] + "..."
    return value


def main() -> int:
    path = os.environ.get("PZSIM_NC_FIXTURE")
    if not path:
        print("skip")
        return 0

    import numpy as np
    import xarray as xr

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds.load()  # decode everything inside the warnings guard
            print("dims:", dict(ds.sizes))
            print("unlimited:", sorted(ds.encoding.get("unlimited_dims", [])))
            print("coords:")
            for name, var in ds.coords.items():
                print(f"  {name}{var.dims} {var.dtype}: {short(list(map(str, var.values)))}")
            print("data_vars:")
            for name, var in ds.data_vars.items():
                print(f"  {name}{var.dims} {var.dtype} {dict(var.attrs)}")
            print("attrs:", {key: short(value) for key, value in ds.attrs.items()})

            check = Checks()
            for name, var in ds.variables.items():
                # Decoded CF attributes (a time's units/calendar) move from attrs to encoding.
                # Strings and flags have no units (CF), nor do bounds variables.
                keys = ("long_name",) if var.dtype.kind in "OSU" or "flag_values" in var.attrs or name.endswith("_bnds") \
                    else ("units", "long_name")
                for key in keys:
                    check(key in var.attrs or key in var.encoding, f"{name} has no {key}")
                units = var.encoding.get("units", var.attrs.get("units", ""))
                check(" since " not in str(units) or np.issubdtype(var.dtype, np.datetime64),
                      f"{name} has units {units!r} but decoded to {var.dtype}")
            for name in ds.dims:
                check(name in ds.coords or ds.sizes[name] == 2,  # a bounds dimension has none
                      f"dimension {name} has no coordinate variable")

    return check.exit_code("ok")


if __name__ == "__main__":
    sys.exit(main())
