#include "sim/scenario/scenario.hpp"

// Built-in defaults. Each figure's source is listed in docs/model.md ("Defaults and
// sources"); the values here are the documented priors a scenario starts from.
namespace pzsim {

namespace {

DestinationSpec destination(std::string name, double general_imports_usd, double import_growth, double income_growth,
                            double online_shoppers, std::vector<double> online_share, double trade_cost_general,
                            double trade_cost_cbec, double delivery_days_parcel, double platform_penetration,
                            double awareness_start) {
  DestinationSpec d;
  d.name = std::move(name);
  d.general_imports_usd = general_imports_usd;
  d.import_growth = import_growth;
  d.income_growth = income_growth;
  d.online_shoppers = online_shoppers;
  d.online_share = std::move(online_share);
  d.trade_cost_general = trade_cost_general;
  d.trade_cost_cbec = trade_cost_cbec;
  d.delivery_days_parcel = delivery_days_parcel;
  d.platform_penetration = platform_penetration;
  d.awareness_start = awareness_start;
  return d;
}

SectorSpec sector(std::string name, double trade_elasticity, double spending_share, double logistics_cost,
                  double quality_sigma) {
  SectorSpec s;
  s.name = std::move(name);
  s.trade_elasticity = trade_elasticity;
  s.spending_share = spending_share;
  s.logistics_cost = logistics_cost;
  s.quality_sigma = quality_sigma;
  // National domestic sales of the category: 1.2 trillion CNY a month split by spending share.
  s.domestic_sales_cny = 1.2e12 * spending_share;
  return s;
}

EventSpec event(EventKind kind, Month start, std::optional<Month> end, std::string destination,
                double value, std::string source) {
  EventSpec e;
  e.kind = kind;
  e.start = start;
  e.end = end;
  e.destination = std::move(destination);
  e.value = value;
  e.source = std::move(source);
  return e;
}

}  // namespace

Scenario::Scenario() {
  // China's exports by partner (GACC, USD bn a year), 2015: US 409, EU (28) 356, Japan + Korea
  // 237, ASEAN 277, rest about 994, divided by 12; import_growth is the yearly growth to 2023
  // (US 500, EU 27 + UK 580, Japan + Korea 307, ASEAN 524, rest 1470; total 3380). income_growth
  // is the yearly growth of nominal GDP in USD 2015-2023 (IMF WEO). docs/model.md lists both.
  destinations = {
      destination("us", 34.1e9, 0.025, 0.052, 2.0e8, {0.052, 0.165}, 0.10, 0.22, 14.0, 0.25, 0.10),
      destination("eu", 29.7e9, 0.063, 0.036, 2.5e8, {0.070, 0.150}, 0.10, 0.22, 16.0, 0.20, 0.08),
      destination("japan_korea", 19.8e9, 0.033, 0.0, 1.3e8, {0.070, 0.180}, 0.08, 0.20, 8.0, 0.30, 0.08),
      destination("asean", 23.1e9, 0.083, 0.049, 0.6e8, {0.010, 0.100}, 0.08, 0.20, 10.0, 0.50, 0.06),
      destination("rest_of_world", 82.8e9, 0.050, 0.041, 3.0e8, {0.020, 0.100}, 0.15, 0.30, 25.0, 0.30, 0.05),
  };
  sectors = {
      sector("apparel", 4.5, 0.25, 0.05, 0.3),
      sector("consumer_electronics", 3.5, 0.25, 0.03, 0.4),
      sector("home_goods", 4.0, 0.20, 0.08, 0.3),
      sector("toys", 4.0, 0.10, 0.06, 0.3),
      sector("robots_drones", 3.0, 0.05, 0.04, 0.5),
      sector("other", 4.0, 0.15, 0.06, 0.3),
  };
  const std::string no_end;
  timeline = {
      event(EventKind::onboarding_campaign, Month::of(2015, 1), Month::of(2015, 12), "all", 1.0,
            "Amazon Global Selling push in China, 2015 (seed article: exporters via Amazon up 13-fold)"),
      event(EventKind::trade_cost, Month::of(2016, 3), std::nullopt, "us", -0.05,
            "US de minimis raised from USD 200 to USD 800, Trade Facilitation and Trade Enforcement Act, effective 2016-03-10"),
      event(EventKind::national_floor, Month::of(2018, 1), std::nullopt, "all", 0.5,
            "National standard single window for international trade covers all ports, 2018 (State Council)"),
      event(EventKind::trade_cost, Month::of(2018, 7), std::nullopt, "us", 0.05,
            "US Section 301 tariffs, lists 1-2 (25% on USD 50bn), 2018-07/08"),
      event(EventKind::trade_cost, Month::of(2018, 9), std::nullopt, "us", 0.05,
            "US Section 301 list 3 (10% on USD 200bn), 2018-09-24"),
      event(EventKind::trade_cost, Month::of(2019, 6), std::nullopt, "us", 0.05,
            "US Section 301 list 3 raised to 25%, 2019-05/06"),
      event(EventKind::demand_shock, Month::of(2020, 2), Month::of(2020, 12), "all", 0.85,
            "COVID-19: offline demand down, online up (US Census quarterly e-commerce share 11.8% -> 16.4% in 2020Q2)"),
      event(EventKind::customs_codes, Month::of(2020, 7), std::nullopt, "all", 1.0,
            "GACC Announcement 2020 No. 75: B2B export codes 9710 and 9810 from 2020-07-01"),
      event(EventKind::trade_cost, Month::of(2021, 7), std::nullopt, "eu", 0.10,
            "EU VAT e-commerce package ends the EUR 22 import VAT exemption, 2021-07-01"),
      event(EventKind::suspension_wave, Month::of(2021, 5), Month::of(2021, 9), "all", 5.0,
            "Amazon suspends Chinese seller accounts for review abuse, 2021-05 to 2021-09"),
  };
  timeline[1].channel = kCbec;
  timeline[3].channel = kGeneral;
  timeline[4].channel = kGeneral;
  timeline[5].channel = kGeneral;
  timeline[8].channel = kCbec;
  timeline[2].instrument = Instrument::information;
  timeline[6].online_value = 1.3;
  // Yearly average CNY per USD (PBoC / IMF IFS); 2025 is the January-October average.
  exchange_rate = {{2012, 6.3125}, {2013, 6.1932}, {2014, 6.1428}, {2015, 6.2284}, {2016, 6.6423},
                   {2017, 6.7518}, {2018, 6.6174}, {2019, 6.8985}, {2020, 6.8976}, {2021, 6.4515},
                   {2022, 6.7261}, {2023, 7.0467}, {2024, 7.1217}, {2025, 7.1800}};
}

}  // namespace pzsim
