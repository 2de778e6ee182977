#!/usr/bin/python3
"""Checks a netCDF-4 file (a pzsim run file) against the CF-1.8 rules the files rely on.

Usage: /usr/bin/python3 analysis/cf_check.py FILE.h5 [...]    exit 0 if every file passes, 1 if not

Not a full CF checker (Debian has none): it checks the rules docs/outputs.md ("CF conventions")
says the files follow, reading the file with h5py as netCDF-4 sees it (dimension scales are
dimensions; a "dimension but not a variable" is no variable; groups are not read):

- the root attribute Conventions is "CF-1.8";
- every `units` parses with UDUNITS-2 (libudunits2 from Debian's udunits-bin), and string
  variables, flags and bounds variables have none;
- `cell_methods` is "name: [name: ...] method [(comment)]" repeated, with CF's methods and
  names that are dimensions of the variable (or `area`); a method over `time` needs time bounds;
- the time coordinate has a `calendar` CF knows, `standard_name: time`, and `bounds` naming a
  variable of shape (time, 2) with dims (time, <2-long dimension>) and no units or calendar of
  its own (or the same as time's);
- `flag_values` has the variable's type and distinct values, as many as `flag_meanings` has
  words (letters, digits, _ - . + @), and the data take only those values;
- every name in `coordinates` is a variable of the file; `standard_name` only from the few
  standard names the files use (`time`).
"""
import ctypes
import re
import sys

import h5py
import numpy as np

NOT_A_VARIABLE = b"This is a netCDF dimension but not a netCDF variable"
CALENDARS = {"standard", "gregorian", "proleptic_gregorian", "noleap", "365_day", "all_leap", "366_day", "360_day",
             "julian", "none"}
METHODS = {"point", "sum", "maximum", "maximum_absolute_value", "median", "mid_range", "minimum",
           "minimum_absolute_value", "mean", "mean_absolute_value", "mean_of_upper_decile", "mode", "range",
           "root_mean_square", "standard_deviation", "sum_of_squares", "variance"}
# Standard names the files may use: CF's table has none for the model's economic quantities.
STANDARD_NAMES = {"time"}


class Udunits:
    """UDUNITS-2 through its C library: parse(text) is True when UDUNITS accepts the unit."""

    def __init__(self):
        try:
            self.lib = ctypes.CDLL("libudunits2.so.0")
        except OSError as error:
            raise SystemExit(f"cf_check: libudunits2 not found ({error}); install Debian's udunits-bin "
                             "(scripts/deps --with-python)")
        lib = self.lib
        lib.ut_set_error_message_handler.argtypes = [ctypes.c_void_p]
        lib.ut_set_error_message_handler(ctypes.cast(lib.ut_ignore, ctypes.c_void_p))
        lib.ut_read_xml.restype = ctypes.c_void_p
        lib.ut_read_xml.argtypes = [ctypes.c_char_p]
        lib.ut_parse.restype = ctypes.c_void_p
        lib.ut_parse.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.ut_free.argtypes = [ctypes.c_void_p]
        self.system = lib.ut_read_xml(None)
        if not self.system:
            raise SystemExit("cf_check: UDUNITS-2 could not read its unit database (libudunits2-data)")

    def parse(self, text):
        unit = self.lib.ut_parse(self.system, text.encode("utf-8"), 2)  # UT_UTF8
        if not unit:
            return False
        self.lib.ut_free(unit)
        return True


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OSU" and value.size == 1:
        return text(value.reshape(-1)[0])
    return value


def variables(h5):
    """The file's netCDF variables: name -> (dataset, dimension names)."""
    found = {}
    for name, obj in h5.items():
        if not isinstance(obj, h5py.Dataset):
            continue
        scale_name = obj.attrs.get("NAME")
        if isinstance(scale_name, (bytes, np.bytes_)) and bytes(scale_name).startswith(NOT_A_VARIABLE):
            continue
        if "_Netcdf4Dimid" in obj.attrs:  # a coordinate variable: its own dimension
            found[name] = (obj, [name])
            continue
        dims = []
        for axis in range(obj.ndim):
            scales = obj.dims[axis]
            dims.append(scales[0].name.lstrip("/") if len(scales) else "")
        found[name] = (obj, dims)
    return found


def dimension_lengths(h5):
    lengths = {}
    for name, obj in h5.items():
        if isinstance(obj, h5py.Dataset) and "_Netcdf4Dimid" in obj.attrs:
            lengths[name] = obj.shape[0] if obj.ndim else 0
    return lengths


def parse_cell_methods(value, dims):
    """Problems with a cell_methods string, and the names its methods apply over."""
    problems, names_used = [], []
    rest = value.strip()
    if not rest:
        return ["is empty"], names_used
    token = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*):\s*")
    while rest:
        names = []
        while True:
            match = token.match(rest)
            if not match:
                break
            names.append(match.group(1))
            rest = rest[match.end():]
        if not names:
            problems.append(f"expected 'name:' at {rest!r}")
            break
        method = re.match(r"([A-Za-z_]+)\s*", rest)
        if not method:
            problems.append(f"no method after {', '.join(names)}:")
            break
        if method.group(1) not in METHODS:
            problems.append(f"unknown method {method.group(1)!r}")
        rest = rest[method.end():]
        qualifier = re.match(r"(where|over)\s+[A-Za-z0-9_]+\s*", rest)
        if qualifier:
            rest = rest[qualifier.end():]
        if rest.startswith("("):
            close = rest.find(")")
            if close < 0:
                problems.append("unclosed '('")
                break
            rest = rest[close + 1:].lstrip()
        for name in names:
            if name not in dims and name != "area":
                problems.append(f"{name!r} is not a dimension of the variable")
        names_used += names
    return problems, names_used


def check_file(path, udunits=None):
    """Every problem found in the file, as strings ("variable: what is wrong")."""
    udunits = udunits or Udunits()
    problems = []
    with h5py.File(path, "r") as h5:
        if text(h5.attrs.get("Conventions")) != "CF-1.8":
            problems.append(f"root: Conventions is {text(h5.attrs.get('Conventions'))!r}, not 'CF-1.8'")
        found = variables(h5)
        lengths = dimension_lengths(h5)
        bounds_of = {}
        for name, (ds, dims) in found.items():
            if "bounds" in ds.attrs:
                bounds_of[text(ds.attrs["bounds"])] = name
        for name, (ds, dims) in found.items():
            attrs = {key: text(value) for key, value in ds.attrs.items()}
            is_string = h5py.check_string_dtype(ds.dtype) is not None
            if "units" in attrs:
                units = attrs["units"]
                if not isinstance(units, str):
                    problems.append(f"{name}: units is not a string")
                elif is_string:
                    problems.append(f"{name}: a string variable has units {units!r}")
                elif "flag_values" in attrs:
                    problems.append(f"{name}: a flag variable has units {units!r}")
                elif not udunits.parse(units):
                    problems.append(f"{name}: units {units!r} is not a UDUNITS-2 unit")
            if "cell_methods" in attrs:
                cell_problems, over = parse_cell_methods(attrs["cell_methods"], dims)
                problems += [f"{name}: cell_methods {attrs['cell_methods']!r}: {p}" for p in cell_problems]
                for dim in over:
                    if dim in found and "bounds" not in found[dim][0].attrs:
                        problems.append(f"{name}: cell_methods over {dim!r}, which has no bounds")
            if "standard_name" in attrs and attrs["standard_name"] not in STANDARD_NAMES:
                problems.append(f"{name}: standard_name {attrs['standard_name']!r} is not one of {sorted(STANDARD_NAMES)}")
            if "coordinates" in attrs:
                for coordinate in str(attrs["coordinates"]).split():
                    if coordinate not in found:
                        problems.append(f"{name}: coordinate {coordinate!r} is not a variable of the file")
            if ("flag_values" in ds.attrs) != ("flag_meanings" in attrs):
                problems.append(f"{name}: flag_values and flag_meanings come together")
            elif "flag_values" in ds.attrs:
                values = np.atleast_1d(ds.attrs["flag_values"])
                meanings = str(attrs["flag_meanings"]).split()
                if values.dtype != ds.dtype:
                    problems.append(f"{name}: flag_values are {values.dtype}, the variable is {ds.dtype}")
                if len(values) != len(meanings):
                    problems.append(f"{name}: {len(values)} flag_values but {len(meanings)} flag_meanings")
                if len(set(values.tolist())) != len(values):
                    problems.append(f"{name}: flag_values are not distinct")
                for word in meanings:
                    if not re.fullmatch(r"[A-Za-z0-9_.+@-]+", word):
                        problems.append(f"{name}: flag meaning {word!r} has characters CF does not allow")
                if ds.size and not np.isin(ds[()], values).all():
                    problems.append(f"{name}: holds values outside flag_values {values.tolist()}")
            if name in bounds_of:
                parent_name = bounds_of[name]
                parent, parent_dims = found[parent_name]
                if len(dims) != 2 or dims[0] != parent_dims[0] or lengths.get(dims[1]) != 2:
                    problems.append(f"{name}: bounds of {parent_name} must have dims ({parent_dims[0]}, <2-long>), "
                                    f"has {tuple(dims)}")
                if ds.shape[:1] != parent.shape[:1]:
                    problems.append(f"{name}: {ds.shape[0]} cells, {parent_name} has {parent.shape[0]}")
                for key in ("units", "calendar"):
                    if key in attrs and attrs[key] != text(parent.attrs.get(key)):
                        problems.append(f"{name}: {key} {attrs[key]!r} differs from {parent_name}'s")
        time = found.get("time")
        if time is None:
            problems.append("time: no time coordinate")
        else:
            attrs = {key: text(value) for key, value in time[0].attrs.items()}
            if attrs.get("calendar") not in CALENDARS:
                problems.append(f"time: calendar {attrs.get('calendar')!r} is not a CF calendar")
            if attrs.get("standard_name") != "time":
                problems.append("time: standard_name is not 'time'")
            if " since " not in str(attrs.get("units", "")):
                problems.append(f"time: units {attrs.get('units')!r} are not '<unit> since <date>'")
            if attrs.get("bounds") not in found:
                problems.append(f"time: bounds {attrs.get('bounds')!r} is not a variable of the file")
    return problems


def main(paths):
    udunits = Udunits()
    failed = False
    for path in paths:
        problems = check_file(path, udunits)
        for problem in problems:
            print(f"{path}: {problem}")
        print(f"{path}: {'passes' if not problems else f'{len(problems)} problems'} (CF-1.8 rules of docs/outputs.md)")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) >= 2 else 2)
    sys.exit(main(sys.argv[1:]))
