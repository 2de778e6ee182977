#!/usr/bin/python3
"""End to end on the real rollout: `pzsim run scenarios/calibrated.yaml` (the calibrated
historical scenario) and `scenarios/baseline.yaml` (its counterfactual) with the same seed. Every accounting identity
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

check = Checks()


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
    check((emp >= 0).all(), f"{label}: negative employment")
    # Not forced anywhere: migration and the rural pool keep the labour force above employment.
    check((ds["labour_force"].values >= emp).all(), f"{label}: labour force below employment")
    check((ds["wage_cny"].values > 0).all(), f"{label}: non-positive wage")
    sales, seller, commission = (ds[v].values for v in ("platform_sales_usd", "seller_revenue_usd", "platform_commission_usd"))
    check(np.allclose(sales, seller + commission, rtol=1e-12, atol=1e-6), f"{label}: spending != seller revenue + commission")
    declared = ds["exports_declared_usd"].sum(("city", "customs_code")).values
    real = ds["exports_usd"].sum(("city", "sector", "channel")).values
    check(np.allclose(declared, real, rtol=1e-12), f"{label}: declared exports != exports by channel")
    tx = ds["transactions_cny"].values  # time, payer, payee
    net = tx.sum(axis=1) - tx.sum(axis=2)  # received - paid, per sector
    sector = {name: i for i, name in enumerate(ds["payer"].values.astype(str))}
    fx = ds["cny_per_usd"].values
    size = 1e-9 * np.abs(tx).sum(axis=(1, 2)).max()
    # Each sector's budget against what the rules say it earned or its change in assets.
    cash = ds["firm_cash_cny"].values
    check(np.allclose(cash[1:] - cash[:-1], net[1:, sector["firms"]], rtol=1e-9, atol=1.0),
          f"{label}: change in firms' cash != their net receipts")
    credit = ds["credit_outstanding_cny"].values
    # The built-in defaults, which the library scenarios keep: firms.interest_rate_year 0.06 and
    # zones.fiscal.income_tax_central_share 0.6.
    rate = 0.06
    banks = credit[:-1] * rate / 12 - (credit[1:] - credit[:-1] + ds["credit_written_off_cny"].values[1:])
    check(np.allclose(net[1:, sector["banks"]], banks, atol=1.0 + size),
          f"{label}: banks' budget != full-rate interest less the growth of their loans")
    central = ds["tax_revenue_usd"].sum("city").values * fx * 0.6
    check(np.allclose(net[:, sector["central_government"]], central, atol=size),
          f"{label}: central government's budget != its share of income tax")
    sales = ds["platform_sales_usd"].sum("destination").values * fx
    check(np.allclose(tx[:, sector["rest_of_world"], sector["platforms"]], sales, atol=size),
          f"{label}: buyers' payments to platforms != platform sales")
    d_lf = ds["labour_force"].values[1:] - ds["labour_force"].values[:-1]
    sources = (ds["net_migration"] + ds["rural_inflow"]).values[1:]
    check(np.allclose(d_lf, sources, atol=1e-6), f"{label}: labour force changes by more than migration and the rural pool")
    check(np.allclose(ds["net_migration"].sum("city").values, 0.0, atol=1e-6 * ds["labour_force"].sum("city").values.max()),
          f"{label}: migration does not sum to zero")
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
        runs = {"historical": ("calibrated", []), "baseline": ("baseline", []), "status-only": ("calibrated", status_only)}
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
    check.finish("ok")


if __name__ == "__main__":
    main()
