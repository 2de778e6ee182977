#!/usr/bin/python3
"""The historical scenario's cities are the data's: scenarios/historical.yaml, as pzsim resolves it,
against data/cities.csv and data/provinces.csv.

Usage: /usr/bin/python3 tests/scenario/test_historical_cities.py <path-to-pzsim> <source-dir>

Checks: data/cities.csv and data/provinces.csv are what scripts/make-cities builds from data/raw;
the scenario lists the 165 pilots and exactly one rest-of-<Province> city for every province
that has people outside its pilots (none for a province made only of pilots), so every province
is covered once and the cities' labour force adds up to the provinces'; each city's labour_force
and firm_weight equal the data file's; firm weights add up to each province's exports; no city
is synthetic; each rest-of city has its province's region and coastal flag; each city's wage over
its productivity is the mean wage (the same unit labour cost everywhere at the start).
"""
import csv
import os
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

check = Checks()


def main():
    if len(sys.argv) != 3:
        print("usage: test_historical_cities.py <path-to-pzsim> <source-dir>")
        sys.exit(1)
    pzsim, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rebuilt = subprocess.run(["/usr/bin/python3", os.path.join(source, "scripts", "make-cities"), "--check"],
                             capture_output=True, text=True)
    check(rebuilt.returncode == 0, f"scripts/make-cities --check: {rebuilt.stdout}{rebuilt.stderr}")

    with open(os.path.join(source, "data", "cities.csv"), newline="", encoding="utf-8") as f:
        data = {r["city"]: r for r in csv.DictReader(f)}
    with open(os.path.join(source, "data", "provinces.csv"), newline="", encoding="utf-8") as f:
        provinces = {r["province"]: r for r in csv.DictReader(f)}
    printed = subprocess.run([pzsim, "validate", "--print", os.path.join(source, "scenarios", "historical.yaml")],
                             capture_output=True, text=True)
    if not check(printed.returncode == 0, f"pzsim validate --print historical.yaml: {printed.stderr}"):
        sys.exit(1)
    cities = yaml.safe_load(printed.stdout)["cities"]["list"]
    names = [c["name"] for c in cities]

    pilots = [n for n, r in data.items() if r["kind"] == "pilot"]
    check(len(pilots) == 165, f"data/cities.csv has {len(pilots)} pilots, expected 165")
    check(len(names) == len(set(names)), "a city is listed twice")
    check(sorted(n for n in names if not n.startswith("rest-of-")) == sorted(pilots),
          "the scenario's non-rest cities are not exactly the 165 pilots")
    for province, p in provinces.items():
        rest = f"rest-of-{province}"
        listed = sum(1 for n in names if n == rest)
        has_people = int(data[rest]["population_2020"]) > 0
        check(listed == (1 if has_people else 0),
              f"{province}: {listed} rest-of cities, expected {1 if has_people else 0} (rest population "
              f"{data[rest]['population_2020']})")
        in_province = [c for c in cities if c["province"] == province]
        labour = sum(int(c["labour_force"]) for c in in_province)
        expected = sum(int(r["labour_force"]) for r in data.values() if r["province"] == province)
        check(labour == expected, f"{province}: the scenario's labour force {labour} != the data's {expected}")
        weight = sum(float(c["firm_weight"]) for c in in_province)
        check(abs(weight - float(p["exports_base_usd_bn"])) <= 1e-5 * max(1.0, weight),
              f"{province}: firm weights add to {weight}, provincial exports {p['exports_base_usd_bn']}")
    for c in cities:
        row = data.get(c["name"])
        if not check(row is not None, f"{c['name']} is not in data/cities.csv"):
            continue
        check(int(c["labour_force"]) == int(row["labour_force"]),
              f"{c['name']}: labour_force {c['labour_force']} != data {row['labour_force']}")
        check(abs(float(c["firm_weight"]) - float(row["exports_base_usd_bn"])) <= 1e-6,
              f"{c['name']}: firm_weight {c['firm_weight']} != exports_base_usd_bn {row['exports_base_usd_bn']}")
        check(c["province"] == row["province"], f"{c['name']}: province {c['province']} != {row['province']}")
        check(c["synthetic"] is False, f"{c['name']} is synthetic")
        for key in ("infrastructure", "ecommerce", "trade_scale"):
            check(0.0 <= float(c[key]) <= 1.0, f"{c['name']}: {key} {c[key]} outside [0, 1]")
        if row["kind"] == "rest":
            p = provinces[row["province"]]
            check(c["region"] == p["region"], f"{c['name']}: region {c['region']} != province's {p['region']}")
            check(bool(c["coastal"]) == (p["coastal"] == "1"), f"{c['name']}: coastal flag differs from its province's")
    # City productivity makes unit labour cost (wage / productivity) the same in every city at
    # the start, the labour-force-weighted mean wage (wages are rounded to the yuan).
    labour = sum(float(c["labour_force"]) for c in cities)
    mean_wage = sum(float(c["wage_cny"]) * float(c["labour_force"]) for c in cities) / labour
    for c in cities:
        unit_labour_cost = float(c["wage_cny"]) / float(c["productivity"])
        check(abs(unit_labour_cost / mean_wage - 1.0) <= 1e-3,
              f"{c['name']}: wage / productivity {unit_labour_cost:.1f} != mean wage {mean_wage:.1f}")
    print(f"{len(cities)} cities: {len(pilots)} pilots + {len(cities) - len(pilots)} rest-of, "
          f"{len(provinces)} provinces covered once")
    check.finish("ok")


if __name__ == "__main__":
    main()
