#!/usr/bin/python3
"""End to end on the real rollout: `pzsim run scenarios/historical.yaml` and
`scenarios/baseline.yaml` (its counterfactual) with the same seed. Every accounting identity
must hold in every month of both files, and the zones must raise their cities' CBEC exports
and CBEC exporters against the baseline. A status-only run (zones approved, every instrument
at strength 0, tax rules off) must stay within 2% of the baseline's zone-city CBEC exports
and move no firm.

Usage: /usr/bin/python3 test_historical_identities.py PZSIM SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def identities(path, label):
    ds = xr.open_dataset(path, engine="h5netcdf")
    emp = ds["employment"].values
    parts = sum(ds[v].values for v in ("firm_employment", "services_jobs", "supplier_jobs", "other_jobs"))
    check((emp == parts).all(), f"{label}: employment != sum of employers")
    d_emp = emp[1:] - emp[:-1]
    net_jobs = (ds["jobs_created"].values - ds["jobs_destroyed"].values)[1:]
    check((d_emp == net_jobs).all(), f"{label}: jobs created - destroyed != change in employment "
                                     f"({int((d_emp != net_jobs).sum())} city-months)")
    alive = ds["firms_alive"].values
    flows = (ds["firm_births"] - ds["firm_deaths"] + ds["relocations_in"] - ds["relocations_out"]).values[1:]
    check((alive[1:] - alive[:-1] == flows).all(), f"{label}: firms alive identity fails")
    check((emp >= 0).all() and (ds["labour_force"].values >= emp).all(), f"{label}: negative stock or unemployment")
    check((ds["wage_cny"].values > 0).all(), f"{label}: non-positive wage")
    sales, seller, commission = (ds[v].values for v in ("platform_sales_usd", "seller_revenue_usd", "platform_commission_usd"))
    check(np.allclose(sales, seller + commission, rtol=1e-12, atol=1e-6), f"{label}: spending != seller revenue + commission")
    declared = ds["exports_declared_usd"].sum(("city", "customs_code")).values
    real = ds["exports_usd"].sum(("city", "sector", "channel")).values
    check(np.allclose(declared, real, rtol=1e-12), f"{label}: declared exports != exports by channel")
    tx = ds["transactions_cny"].values  # time, payer, payee
    net = tx.sum(axis=1) - tx.sum(axis=2)  # received - paid, per sector
    # Each payment leaves one sector and enters another: net flows cancel up to rounding.
    check(np.allclose(net.sum(axis=1), 0.0, atol=1e-9 * np.abs(tx).sum(axis=(1, 2)).max()),
          f"{label}: net flows do not sum to zero")
    cash = ds["firm_cash_cny"].values
    firms = list(ds["payer"].values).index("firms")
    check(np.allclose(cash[1:] - cash[:-1], net[1:, firms], rtol=1e-9, atol=1.0),
          f"{label}: change in firms' cash != their net receipts")
    print(f"{label}: identities checked over {ds.sizes['time']} months x {ds.sizes['city']} cities")
    return ds


def main():
    pzsim, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        # status-only: the historical zones approved, every instrument at strength 0 and the
        # zone tax rules off (zone status alone, which must do next to nothing).
        status_only = [f"zones.{k}.strength=0" for k in ("financial", "information", "administration", "enforcement")]
        status_only.append("zones.fiscal.tax_rules=false")
        runs = {"historical": ("historical", []), "baseline": ("baseline", []), "status-only": ("historical", status_only)}
        for name, (scenario, overrides) in runs.items():
            out = os.path.join(tmp, f"{name}.h5")
            sets = [arg for o in overrides for arg in ("--set", o)]
            subprocess.run([pzsim, "run", os.path.join(source, "scenarios", f"{scenario}.yaml"), "-o", out, "-q",
                            "--seed", "4", *sets], check=True)
            files[name] = identities(out, name)
        policy, base = files["historical"], files["baseline"]
        zone = policy["zone_active"].isel(time=-1).values.astype(bool)
        after = policy["month"].values >= "2016-01"
        cbec_p = policy["exports_usd"].sel(channel="cbec").sum("sector").values[after][:, zone].sum()
        cbec_b = base["exports_usd"].sel(channel="cbec").sum("sector").values[after][:, zone].sum()
        exporters_p = policy["exporters"].sel(channel="cbec").values[after][:, zone].sum()
        exporters_b = base["exporters"].sel(channel="cbec").values[after][:, zone].sum()
        print(f"zone cities from 2016: CBEC exports {cbec_p / cbec_b - 1:+.1%}, CBEC exporter-months {exporters_p / exporters_b - 1:+.1%}")
        check(cbec_p > cbec_b, "zones do not raise their cities' CBEC exports against the baseline")
        check(exporters_p > exporters_b, "zones do not raise their cities' CBEC exporters against the baseline")
        status = files["status-only"]
        check((status["zone_active"].values == policy["zone_active"].values).all(),
              "status-only run does not approve the historical zones")
        cbec_s = status["exports_usd"].sel(channel="cbec").sum("sector").values[after][:, zone].sum()
        relocations_s = int(status["relocations_in"].values.sum())
        print(f"status-only: zone-city CBEC from 2016 {cbec_s / cbec_b - 1:+.2%} against the baseline, "
              f"{relocations_s} relocations (historical: {int(policy['relocations_in'].values.sum())})")
        check(abs(cbec_s / cbec_b - 1) <= 0.02, "status-only zones move zone-city CBEC exports by more than 2%")
        check(relocations_s == 0, "firms relocate to zones that offer nothing")
        before = policy["month"].values < "2015-03"
        check(np.array_equal(policy["employment"].values[before], base["employment"].values[before]),
              "policy and baseline differ before the first zone (pairing broken)")
    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
