// accounting.cpp on hand-built books (toys: markup 4/3; labour cost share 0.2; fx 6.5).
//   profit = revenue - trade costs - wages - supplier purchases - fixed costs - interest
//   supplier = factory revenue / markup * (1 - 0.2) (manufacturer) or * (1 - 0.1 * 0.2) (trader)
//   tax = 0.25 max(0, profit); zone firms from deemed_margin_start (2020-01):
//     min(tax, 0.25 (max(0, profit - 0.3 PX) + 0.04 * 0.3 X)); forgone VAT from 2018-10: 0.13 * 0.3 X
//   credit: draw min(WC - cash, unused line) when cash < WC, else repay min(credit, cash - WC)
#include <catch2/catch.hpp>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

constexpr double kFee = 39.99 * 6.5;

// A manufacturer in C (wage 3500; financial 0.5, administration 0.4, information 0.5) with 10
// workers, home sales 100,000 CNY, general trade to the us (10,000 USD, wedge 1.2) and a CBEC
// parcel store to the us (5,000 USD, wedge 1.3, 3 products), 20,000 CNY of credit.
State books(const World& w, double cash) {
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = kC;
  f.employees[0] = 10;
  f.domestic_revenue_cny[0] = 100000;
  f.credit_cny[0] = 20000;
  f.cash_cny[0] = cash;
  f.revenue_cny_last[0] = 100000;  // credit line 2 * 100,000 * (1 + 0.5) = 300,000
  f.loss_months[0] = 3;
  f.age_months[0] = 7;
  const std::size_t g = mk(w, 0, 0, kGeneral), e = mk(w, 0, 0, kCbec);
  f.active[g] = 1, f.revenue_usd[g] = 10000, set_gross_wedge(w, f, g, 1.2),
  f.months_active[g] = 4;
  f.active[e] = 1, f.revenue_usd[e] = 5000, cbec_paid(w, f, e) = 5000 / 0.85, set_gross_wedge(w, f, e, 1.3),
  f.products[e] = 3, f.months_active[e] = 2;
  set_level(s, kC, Instrument::financial, 0.5);
  set_level(s, kC, Instrument::administration, 0.4);
  set_level(s, kC, Instrument::information, 0.5);
  s.step = 10;
  set_price_usd(w, s, g, 2.0);  // the CBEC price follows from its wedge: 2 * 1.3 / 0.85 / 1.2
  return s;
}

struct Expected {
  double revenue = 100000 + 65000 + 32500;
  double factory = 100000 + 65000 / 1.2 + 32500 / 1.3;
  double trade = (65000 - 65000 / 1.2) + (32500 - 32500 / 1.3);
  double wages = 10 * 3500.0;
  double supplier = factory * 0.75 * 0.8;
  double cbec_fixed = 12000 * (1 - 0.5 * 0.4) + kFee + 3 * 800 * (1 - 0.5 * 0.5);
  double fixed = 20000 + cbec_fixed;
  double interest = 20000 * 0.06 / 12 * (1 - 0.3 * 0.5);
  double subsidy = 20000 * 0.06 / 12 * 0.3 * 0.5;
  double profit = revenue - trade - wages - supplier - fixed - interest;
  double tax = 0.25 * profit;
  double after_tax = profit - tax;
  double working_capital = 100000 * 0.75 * 2.5 + 65000 / 1.2 * 0.75 * 2.5 * 0.85 + 32500 / 1.3 * 0.75 * 1.5 * 0.85;
};

}  // namespace

TEST_CASE("accounting: profit, tax, payments and a credit draw when cash is below working capital", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = books(w, 100000);
  MonthOutputs out = fresh_outputs(w);
  book_accounts(w, s, out);
  const Expected x;
  REQUIRE(x.profit > 0.0);
  const FirmStore& f = s.firms;
  CHECK(f.profit_cny_last[0] == Approx(x.after_tax));
  CHECK(f.revenue_cny_last[0] == Approx(x.revenue));
  CHECK(f.loss_months[0] == 0);
  // Ageing is end_month's, not the books': age and months active are untouched here.
  CHECK(f.age_months[0] == 7);
  CHECK(f.months_active[mk(w, 0, 0, kGeneral)] == 4);
  CHECK(f.months_active[mk(w, 0, 0, kCbec)] == 2);
  CHECK(f.insolvent[0] == 0);
  const double cash = 100000 + x.after_tax;
  const double draw = x.working_capital - cash;  // below the unused line of 280,000
  REQUIRE(draw < 280000);
  CHECK(f.cash_cny[0] == Approx(x.working_capital));
  CHECK(f.credit_cny[0] == Approx(20000 + draw));
  CHECK(s.cities.profit_per_firm_cny[kC] == Approx(x.after_tax));
  // Every payment, once.
  CHECK(flow(out, kFirms, kRestOfWorld) == Approx(x.trade));
  CHECK(flow(out, kFirms, kHouseholds) == Approx(x.wages + x.supplier + x.fixed - kFee));
  CHECK(flow(out, kFirms, kPlatforms) == Approx(kFee));
  CHECK(flow(out, kFirms, kBanks) == Approx(x.interest));
  CHECK(flow(out, kLocalGov, kBanks) == Approx(x.subsidy));
  CHECK(flow(out, kBanks, kFirms) == Approx(draw));
  CHECK(flow(out, kFirms, kCentralGov) == Approx(x.tax * 0.6));
  CHECK(flow(out, kFirms, kLocalGov) == Approx(x.tax * 0.4));
  CHECK(out.tax_revenue_usd[kC] == Approx(x.tax / kFx));
  CHECK(out.fiscal_cost_local_usd[kC] == Approx(x.subsidy / kFx));  // not a zone: only the interest subsidy
  CHECK(out.fiscal_cost_central_usd[kC] == 0.0);
  CHECK(out.fiscal_cost_usd[kC] == Approx(x.subsidy / kFx));
  // Exports by channel, volumes from what buyers paid.
  const std::size_t cell = kC * 2 + 0;  // (C, toys)
  CHECK(out.exports_usd[cell * kChannels + kGeneral] == Approx(10000));
  CHECK(out.exports_usd[cell * kChannels + kCbec] == Approx(5000));
  CHECK(out.exports_volume[kC * kChannels + kCbec] == Approx(5000 / 0.85 / (2.0 * 1.3 / 0.85 / 1.2)));
  CHECK(out.avg_delivered_price_usd[kC * kChannels + kGeneral] == Approx(2.0));
}

TEST_CASE("accounting: cash above working capital repays credit", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = books(w, 400000);
  MonthOutputs out = fresh_outputs(w);
  book_accounts(w, s, out);
  const Expected x;
  CHECK(s.firms.credit_cny[0] == 0.0);
  CHECK(s.firms.cash_cny[0] == Approx(400000 + x.after_tax - 20000));
  CHECK(flow(out, kFirms, kBanks) == Approx(x.interest + 20000));
  CHECK(flow(out, kBanks, kFirms) == 0.0);
}

TEST_CASE("accounting: cash still negative after the whole credit line means insolvency", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = books(w, -500000);
  s.firms.revenue_cny_last[0] = 0;  // line 2 * (10 * 3500 * 1.5) * 1.5 = 157,500; unused 137,500
  MonthOutputs out = fresh_outputs(w);
  book_accounts(w, s, out);
  const Expected x;
  CHECK(s.firms.credit_cny[0] == Approx(157500));
  CHECK(s.firms.cash_cny[0] == Approx(-500000 + x.after_tax + 137500));
  CHECK(s.firms.insolvent[0] == 1);
}

TEST_CASE("accounting: losses pay no tax and count loss months, and traders buy from suppliers", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 2);
  FirmStore& f = s.firms;
  // Firm 0 in D: five workers, no sales.
  f.city[0] = f.production_city[0] = kD;
  f.employees[0] = 5;
  f.loss_months[0] = 4;
  f.cash_cny[0] = 1e6;
  // Firm 1: a trader in D with one worker and 100,000 CNY of home sales.
  f.city[1] = f.production_city[1] = kD;
  f.trader[1] = 1;
  f.employees[1] = 1;
  f.domestic_revenue_cny[1] = 100000;
  f.cash_cny[1] = 1e6;
  s.step = 10;
  MonthOutputs out = fresh_outputs(w);
  book_accounts(w, s, out);
  CHECK(f.profit_cny_last[0] == Approx(-12500));
  CHECK(f.loss_months[0] == 5);
  const double supplier = 100000 * 0.75 * (1 - 0.1 * 0.2);
  const double profit = 100000 - 2500 - supplier;
  CHECK(f.profit_cny_last[1] == Approx(0.75 * profit));
  CHECK(out.tax_revenue_usd[kD] == Approx(0.25 * profit / kFx));
  CHECK(s.cities.profit_per_firm_cny[kD] == Approx((-12500 + 0.75 * profit) / 2));
}

namespace {

// A zone firm in A (approved 2015-03) selling only by CBEC: 20,000 USD to the us (wedge 1.3,
// one product, parcels), five workers at 4000, no credit, all instrument levels 0.
State zone_seller(const World& w, int step, std::uint32_t city = kA) {
  State s = blank_state(w, 1);
  FirmStore& f = s.firms;
  f.city[0] = f.production_city[0] = city;
  f.employees[0] = 5;
  f.cash_cny[0] = 1e7;
  const std::size_t e = mk(w, 0, 0, kCbec);
  f.active[e] = 1, f.revenue_usd[e] = 20000, set_gross_wedge(w, f, e, 1.3), f.products[e] = 1;
  f.unit_cost_cny[0] = 1.0;
  s.cities.wage_cny[kC] = 4000;  // the same books in the non-zone city
  s.step = step;
  return s;
}

struct ZoneBooks {
  double X = 130000;                                     // CBEC seller revenue, CNY
  double fixed = 12000 + kFee + 800;
  double profit = X - 30000 - 20000 - 100000 * 0.75 * 0.8 - fixed;
  double PX = 100000 * 0.25 - fixed;                     // CBEC profit
  double normal = 0.25 * profit;
  double deemed = 0.25 * (profit - 0.3 * PX + 0.04 * 0.3 * X);
  double vat = 0.13 * 0.3 * X;
  double running = 2e6 * 0.01;                           // per zone, sample units
};

}  // namespace

TEST_CASE("accounting: zone tax rules start on their own dates, not at approval", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  const ZoneBooks z;
  REQUIRE(z.deemed < z.normal);
  SECTION("2018-09: a zone, but neither rule yet") {
    State s = zone_seller(w, 44);
    MonthOutputs out = fresh_outputs(w);
    book_accounts(w, s, out);
    CHECK(s.firms.profit_cny_last[0] == Approx(z.profit - z.normal));
    CHECK(out.fiscal_cost_central_usd[kA] == 0.0);
    CHECK(out.fiscal_cost_local_usd[kA] == Approx(z.running / kFx));
    CHECK(flow(out, kLocalGov, kHouseholds) == Approx(2 * z.running));  // A and B are zones
  }
  SECTION("2018-10: forgone VAT, no deemed margin yet") {
    State s = zone_seller(w, 45);
    MonthOutputs out = fresh_outputs(w);
    book_accounts(w, s, out);
    CHECK(s.firms.profit_cny_last[0] == Approx(z.profit - z.normal));
    CHECK(out.fiscal_cost_central_usd[kA] == Approx(z.vat * 0.5 / kFx));
    CHECK(out.fiscal_cost_local_usd[kA] == Approx((z.vat * 0.5 + z.running) / kFx));
    CHECK(out.tax_revenue_usd[kA] == Approx(z.normal / kFx));
  }
  SECTION("2020-01: deemed-margin tax when lower, the difference is forgone") {
    State s = zone_seller(w, 60);
    MonthOutputs out = fresh_outputs(w);
    book_accounts(w, s, out);
    const double forgone = z.normal - z.deemed;
    CHECK(s.firms.profit_cny_last[0] == Approx(z.profit - z.deemed));
    CHECK(out.tax_revenue_usd[kA] == Approx(z.deemed / kFx));
    CHECK(out.fiscal_cost_central_usd[kA] == Approx((forgone * 0.6 + z.vat * 0.5) / kFx));
    CHECK(out.fiscal_cost_local_usd[kA] == Approx((forgone * 0.4 + z.vat * 0.5 + z.running) / kFx));
    CHECK(out.fiscal_cost_usd[kA] == Approx((forgone + z.vat + z.running) / kFx));
  }
  SECTION("2020-01, the same sales shipped to an overseas warehouse (9810, B2B): not covered") {
    State s = zone_seller(w, 60);
    s.firms.warehouse[mk(w, 0, 0, kCbec)] = 1;
    MonthOutputs out = fresh_outputs(w);
    book_accounts(w, s, out);
    CHECK(s.firms.profit_cny_last[0] == Approx(z.profit - z.normal));
    CHECK(out.fiscal_cost_usd[kA] == Approx(z.running / kFx));
  }
  SECTION("2020-01 with zones.fiscal.tax_rules false: ordinary tax, running cost only") {
    const auto off = rule_scenario({"zones.fiscal.tax_rules=false"});
    const World w_off = build_world(off.scenario, 7);
    State s = zone_seller(w_off, 60);
    MonthOutputs out = fresh_outputs(w_off);
    book_accounts(w_off, s, out);
    CHECK(s.firms.profit_cny_last[0] == Approx(z.profit - z.normal));
    CHECK(out.fiscal_cost_usd[kA] == Approx(z.running / kFx));
  }
  SECTION("2020-01 outside a zone: ordinary tax, no fiscal cost") {
    State s = zone_seller(w, 60, kC);
    MonthOutputs out = fresh_outputs(w);
    book_accounts(w, s, out);
    CHECK(s.firms.profit_cny_last[0] == Approx(z.profit - z.normal));
    CHECK(out.fiscal_cost_usd[kC] == 0.0);
  }
}

TEST_CASE("accounting: declared customs codes before and after the 9710/9810 codes exist", "[model][rules]") {
  // Zone firm in A: 1,000 USD general trade, 500 via a warehouse, 200 by parcels; firm in C
  // (no zone): 1,000 USD general trade. 9710 takes b2b_online_share (0.05) of a zone firm's
  // general trade when the reward 0.005 x 0.05 x 1,000 x 6.5 = 1.625 CNY covers the cost of
  // the route: not at the default 10,000 CNY, yes at 1 CNY.
  auto sales = [](const std::vector<std::string>& overrides, int step) {
    const auto loaded = rule_scenario(overrides, "[{kind: customs_codes, start: 2020-07, value: 1}]");
    const World w = build_world(loaded.scenario, 7);
    State s = blank_state(w, 2);
    FirmStore& f = s.firms;
    f.city[0] = f.production_city[0] = kA;  // zone
    f.city[1] = f.production_city[1] = kC;  // not a zone
    f.cash_cny[0] = f.cash_cny[1] = 1e9;
    const std::size_t g = mk(w, 0, 0, kGeneral), wh = mk(w, 0, 0, kCbec), parcel = mk(w, 0, 1, kCbec);
    f.active[g] = 1, f.revenue_usd[g] = 1000;
    f.active[wh] = 1, f.revenue_usd[wh] = 500, f.warehouse[wh] = 1;
    f.active[parcel] = 1, f.revenue_usd[parcel] = 200;
    const std::size_t g1 = mk(w, 1, 0, kGeneral);
    f.active[g1] = 1, f.revenue_usd[g1] = 1000;
    f.unit_cost_cny[0] = f.unit_cost_cny[1] = 1.0;  // any price: volumes divide by it
    s.step = step;
    MonthOutputs out = fresh_outputs(w);
    book_accounts(w, s, out);
    return out;
  };
  auto code = [](const MonthOutputs& out, std::size_t city, int c) { return out.exports_declared_usd[city * kCustomsCodes + static_cast<std::size_t>(c)]; };
  const std::vector<std::string> cheap = {"zones.fiscal.relabel_cost_cny=1"};
  const MonthOutputs before = sales(cheap, 65);  // 2020-06: no 9710/9810 yet
  CHECK(code(before, kA, kCode0110) == Approx(1500));
  CHECK(code(before, kA, kCode9610) == Approx(200));
  CHECK(code(before, kA, kCode9710) == 0.0);
  CHECK(code(before, kA, kCode9810) == 0.0);
  CHECK(before.exports_cbec_recorded_usd[kA] == Approx(200));
  CHECK(flow(before, kLocalGov, kFirms) == 0.0);
  const MonthOutputs after = sales(cheap, 66);  // 2020-07
  CHECK(code(after, kA, kCode0110) == Approx(950));
  CHECK(code(after, kA, kCode9710) == Approx(50));
  CHECK(code(after, kA, kCode9810) == Approx(500));
  CHECK(code(after, kA, kCode9610) == Approx(200));
  CHECK(after.exports_cbec_recorded_usd[kA] == Approx(750));
  CHECK(flow(after, kLocalGov, kFirms) == Approx(1.625));  // the reward, a local fiscal cost
  CHECK(code(after, kC, kCode0110) == Approx(1000));  // no relabelling outside zones
  CHECK(code(after, kC, kCode9710) == 0.0);
  // The incentive decides: at the default cost of the route, or without the tax rules, nobody relabels.
  CHECK(code(sales({}, 66), kA, kCode9710) == 0.0);
  CHECK(code(sales({"zones.fiscal.relabel_cost_cny=1", "zones.fiscal.tax_rules=false"}, 66), kA, kCode9710) == 0.0);
}
