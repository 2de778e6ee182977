#include "sim/model/outputs.hpp"

#include <algorithm>

namespace pzsim {

void MonthOutputs::reset(const World& w) {
  const std::size_t c = static_cast<std::size_t>(w.cities);
  const std::size_t d = static_cast<std::size_t>(w.destinations);
  const std::size_t s = static_cast<std::size_t>(w.sectors);
  const std::size_t k = kChannels;
  auto zero = [](auto& v, std::size_t n) { v.assign(n, {}); };
  zero(exports_usd, c * s * k);
  zero(exports_volume, c * k);
  zero(exports_by_destination_usd, d * k);
  zero(exports_declared_usd, c * kCustomsCodes);
  zero(exports_cbec_recorded_usd, c);
  zero(avg_delivered_price_usd, c * k);
  zero(exporters, c * k);
  zero(products_listed, c);
  zero(employment, c);
  zero(firm_employment, c);
  zero(services_jobs, c);
  zero(supplier_jobs, c);
  zero(other_jobs, c);
  zero(jobs_created, c);
  zero(jobs_destroyed, c);
  zero(firms_alive, c);
  zero(firm_births, c);
  zero(firm_deaths, c);
  zero(relocations_in, c);
  zero(relocations_out, c);
  zero(market_entries, c * k);
  zero(market_exits, c * k);
  zero(entries_blocked, c * k);
  zero(parcel_delivery_days, c);
  zero(labour_force, c);
  zero(net_migration, c);
  zero(rural_inflow, c);
  zero(wage_cny, c);
  zero(domestic_sales_cny, c);
  zero(cbec_imports_usd, c);
  zero(import_shoppers_adopted, c);
  zero(zone_active, c);
  zero(instrument_level, c * kInstrumentCount);
  zero(fiscal_cost_usd, c);
  zero(fiscal_cost_central_usd, c);
  zero(fiscal_cost_local_usd, c);
  zero(forgone_vat_usd, c);
  zero(forgone_income_tax_usd, c);
  zero(tax_revenue_usd, c);
  zero(platform_sales_usd, d);
  zero(platform_commission_usd, d);
  zero(platform_sales_other_usd, d);
  zero(import_spending_usd, d);
  zero(seller_revenue_usd, d);
  zero(consumers_adopted, d);
  zero(purchases, d);
  zero(transactions_cny, static_cast<std::size_t>(kAccountSectors * kAccountSectors));
  cny_per_usd = firm_cash_cny = credit_outstanding_cny = credit_written_off_cny = 0.0;
}

namespace {

using V = OutputVariable;
const std::string kSample = " In sample units: divide by the root attribute sample_fraction for national totals.";

V f64(std::string name, std::vector<std::string> dims, std::string units, std::string long_name, std::string description,
      bool flow, std::vector<double> MonthOutputs::*member) {
  V v{std::move(name), std::move(dims), OutputType::f64, std::move(units), std::move(long_name), std::move(description), flow, {}, {}, {}};
  v.f64 = [member](const MonthOutputs& o) { return std::span<const double>(o.*member); };
  return v;
}
V i64(std::string name, std::vector<std::string> dims, std::string units, std::string long_name, std::string description,
      bool flow, std::vector<std::int64_t> MonthOutputs::*member) {
  V v{std::move(name), std::move(dims), OutputType::i64, std::move(units), std::move(long_name), std::move(description), flow, {}, {}, {}};
  v.i64 = [member](const MonthOutputs& o) { return std::span<const std::int64_t>(o.*member); };
  return v;
}
V scalar(std::string name, std::string units, std::string long_name, std::string description, bool flow,
         double MonthOutputs::*member) {
  V v{std::move(name), {}, OutputType::f64, std::move(units), std::move(long_name), std::move(description), flow, {}, {}, {}};
  v.f64 = [member](const MonthOutputs& o) { return std::span<const double>(&(o.*member), 1); };
  return v;
}

std::vector<OutputVariable> build_catalog() {
  using M = MonthOutputs;
  std::vector<V> c;
  c.push_back(f64("exports_usd", {"city", "sector", "channel"}, "USD", "exports by real channel",
                  "Sales abroad received by firms registered in the city (general trade: importers' payments; CBEC: buyers' "
                  "payments net of platform commission), by product category and the channel the goods travelled by." + kSample,
                  true, &M::exports_usd));
  c.push_back(f64("exports_volume", {"city", "channel"}, "units of output", "export volume",
                  "Sum over sales of buyers' payments / delivered price." + kSample, true, &M::exports_volume));
  c.push_back(f64("exports_by_destination_usd", {"destination", "channel"}, "USD", "exports by destination",
                  "Exports as in exports_usd, by destination market." + kSample, true, &M::exports_by_destination_usd));
  c.push_back(f64("exports_declared_usd", {"city", "customs_code"}, "USD", "exports by declared customs code",
                  "The same sales by the customs code they are declared under: 0110 general trade, 9610 B2C parcels, 9710 B2B "
                  "direct (zone firms relabel b2b_online_share of B2B exports once the codes exist, when the zone's reward covers "
                  "the cost), 9810 B2B via overseas "
                  "warehouses (0110 before the codes exist)." + kSample,
                  true, &M::exports_declared_usd));
  c.push_back(f64("exports_cbec_recorded_usd", {"city"}, "USD", "CBEC exports as recorded in national statistics",
                  "9610, plus 9710 and 9810 from the month the customs_codes event starts (the July 2020 definition change)." + kSample,
                  true, &M::exports_cbec_recorded_usd));
  c.push_back(f64("avg_delivered_price_usd", {"city", "channel"}, "USD per unit of output", "average delivered price",
                  "Quantity-weighted mean delivered price of the city's exports (buyers' payments / volume); 0 without exports.", false,
                  &M::avg_delivered_price_usd));
  c.push_back(i64("exporters", {"city", "channel"}, "firms", "exporting firms",
                  "Firms registered in the city active in at least one destination by the channel at the end of the month." + kSample,
                  false, &M::exporters));
  c.push_back(i64("market_entries", {"city", "channel"}, "firm-markets", "market entries",
                  "Entries of firms into destination x channel markets this month." + kSample, true, &M::market_entries));
  c.push_back(i64("market_exits", {"city", "channel"}, "firm-markets", "market exits",
                  "Exits from destination x channel markets this month, account suspensions included (firm closures not)." + kSample,
                  true, &M::market_exits));
  c.push_back(i64("entries_blocked", {"city", "channel"}, "firm-markets", "entries blocked by finance",
                  "Firms reconsidering a market this month whose cash plus unused credit fell short of the sunk cost plus "
                  "working capital (credit-constrained would-be entrants)." + kSample,
                  true, &M::entries_blocked));
  c.push_back(f64("parcel_delivery_days", {"city"}, "day", "delivery time of CBEC parcels",
                  "Sales-weighted mean delivery days of the city's CBEC parcel sales (the destination's parcel days less "
                  "the information-exchange clearance savings); 0 without parcel sales.",
                  false, &M::parcel_delivery_days));
  c.push_back(i64("products_listed", {"city"}, "products", "products listed by CBEC sellers",
                  "Sum over the city's CBEC stores of listed products at the end of the month." + kSample, false, &M::products_listed));
  c.push_back(i64("employment", {"city"}, "workers", "employment",
                  "Firm agents' employees + suppliers' + logistics and services + rest of the economy, end of month." + kSample,
                  false, &M::employment));
  c.push_back(i64("firm_employment", {"city"}, "workers", "employment in firm agents", "End of month." + kSample, false,
                  &M::firm_employment));
  c.push_back(i64("services_jobs", {"city"}, "workers", "logistics and services jobs",
                  "Jobs that scale with the CBEC parcels shipped from the city." + kSample, false, &M::services_jobs));
  c.push_back(i64("supplier_jobs", {"city"}, "workers", "supplier jobs",
                  "Contract-manufacturing jobs producing for trading companies (in the city where goods are made)." + kSample,
                  false, &M::supplier_jobs));
  c.push_back(i64("other_jobs", {"city"}, "workers", "rest-of-economy jobs", "The non-exporting employer." + kSample, false,
                  &M::other_jobs));
  c.push_back(i64("jobs_created", {"city"}, "workers", "gross jobs created",
                  "Sum of positive employment changes per employer (hires, births, arrivals); created - destroyed equals the "
                  "change in employment." + kSample,
                  true, &M::jobs_created));
  c.push_back(i64("jobs_destroyed", {"city"}, "workers", "gross jobs destroyed",
                  "Sum of negative employment changes per employer (layoffs, closures, departures)." + kSample, true,
                  &M::jobs_destroyed));
  c.push_back(i64("firms_alive", {"city"}, "firms", "living firms", "End of month." + kSample, false, &M::firms_alive));
  c.push_back(i64("firm_births", {"city"}, "firms", "firm births", kSample.substr(1), true, &M::firm_births));
  c.push_back(i64("firm_deaths", {"city"}, "firms", "firm deaths", kSample.substr(1), true, &M::firm_deaths));
  c.push_back(i64("relocations_in", {"city"}, "firms", "firms relocating into the city", kSample.substr(1), true, &M::relocations_in));
  c.push_back(i64("relocations_out", {"city"}, "firms", "firms relocating out of the city", kSample.substr(1), true,
                  &M::relocations_out));
  c.push_back(f64("labour_force", {"city"}, "workers", "labour force",
                  "End of month. Its change equals net_migration + rural_inflow; it is never below employment." + kSample, false,
                  &M::labour_force));
  c.push_back(f64("net_migration", {"city"}, "workers", "net migration",
                  "Workers arriving from other cities minus workers leaving (job seekers, at most the unemployed, and the "
                  "workers of relocating firms); sums to zero over cities." + kSample,
                  true, &M::net_migration));
  c.push_back(f64("rural_inflow", {"city"}, "workers", "inflow from the rural pool",
                  "Workers joining the city's labour force from the rural pool, founders of new firms in a city without "
                  "unemployed included." + kSample,
                  true, &M::rural_inflow));
  c.push_back(f64("wage_cny", {"city"}, "CNY/month", "monthly wage", "End of month.", false, &M::wage_cny));
  c.push_back(f64("domestic_sales_cny", {"city"}, "CNY", "home sales of firm agents", kSample.substr(1), true,
                  &M::domestic_sales_cny));
  c.push_back(f64("cbec_imports_usd", {"city"}, "USD", "CBEC imports", "Cross-border purchases of the city's shoppers." + kSample,
                  true, &M::cbec_imports_usd));
  c.push_back(f64("import_shoppers_adopted", {"city"}, "people", "cross-border shoppers",
                  "Online shoppers of the city who buy abroad." + kSample, false, &M::import_shoppers_adopted));
  {
    V v{"zone_active", {"city"}, OutputType::u8, "1", "zone status", "1 from the month the city's zone is approved.", false, {}, {}, {}};
    v.u8 = [](const MonthOutputs& o) { return std::span<const std::uint8_t>(o.zone_active); };
    c.push_back(std::move(v));
  }
  c.push_back(f64("instrument_level", {"city", "instrument"}, "1", "zone instrument level",
                  "Level in [0,1] of each instrument: max(national floor, strength x ramp x effectiveness) in zones.", false,
                  &M::instrument_level));
  c.push_back(f64("fiscal_cost_usd", {"city"}, "USD", "zone fiscal cost",
                  "Forgone VAT and income tax on retail exports, interest subsidies, 9710 rewards and running costs of the city's zone (central + local)." + kSample,
                  true, &M::fiscal_cost_usd));
  c.push_back(f64("fiscal_cost_central_usd", {"city"}, "USD", "zone fiscal cost, central government", kSample.substr(1), true,
                  &M::fiscal_cost_central_usd));
  c.push_back(f64("fiscal_cost_local_usd", {"city"}, "USD", "zone fiscal cost, local government", kSample.substr(1), true,
                  &M::fiscal_cost_local_usd));
  c.push_back(f64("forgone_vat_usd", {"city"}, "USD", "forgone VAT",
                  "VAT exemption without invoices on zone firms' retail exports (part of fiscal_cost_usd)." + kSample, true,
                  &M::forgone_vat_usd));
  c.push_back(f64("forgone_income_tax_usd", {"city"}, "USD", "forgone income tax",
                  "Ordinary minus deemed-margin income tax of zone firms' retail exporters (part of fiscal_cost_usd)." + kSample,
                  true, &M::forgone_income_tax_usd));
  c.push_back(f64("tax_revenue_usd", {"city"}, "USD", "income tax paid by firm agents",
                  "Compare with a counterfactual run to net the induced revenue off fiscal_cost_usd." + kSample, true,
                  &M::tax_revenue_usd));
  c.push_back(f64("platform_sales_usd", {"destination"}, "USD", "CBEC sales on the platform",
                  "Buyers' payments to Chinese CBEC sellers (gross of commission)." + kSample, true, &M::platform_sales_usd));
  c.push_back(f64("platform_commission_usd", {"destination"}, "USD", "platform commission", kSample.substr(1), true,
                  &M::platform_commission_usd));
  c.push_back(f64("seller_revenue_usd", {"destination"}, "USD", "CBEC seller revenue",
                  "platform_sales_usd - platform_commission_usd." + kSample, true, &M::seller_revenue_usd));
  c.push_back(f64("platform_sales_other_usd", {"destination"}, "USD", "non-Chinese sellers' sales on the platforms",
                  "platform_penetration x buyers' spending with non-Chinese online sellers; Chinese sellers' share of "
                  "platform spending is platform_sales_usd / (platform_sales_usd + platform_sales_other_usd)." + kSample,
                  true, &M::platform_sales_other_usd));
  c.push_back(f64("import_spending_usd", {"destination"}, "USD", "imports of the categories",
                  "Buyers' spending on imports of the categories from every origin: Chinese CBEC, offline (general "
                  "trade, China's and competitors') and non-Chinese online sellers." + kSample,
                  true, &M::import_spending_usd));
  c.push_back(f64("consumers_adopted", {"destination"}, "people", "buyers aware of Chinese sellers",
                  "Weighted count of consumer agents aware of Chinese sellers." + kSample, false, &M::consumers_adopted));
  c.push_back(f64("purchases", {"destination"}, "purchases", "purchases from Chinese CBEC sellers",
                  "Sum over shopping buyers of weight x probability that their online purchase goes to a Chinese seller "
                  "(R / (1 + R), the nest against non-Chinese online sellers)." + kSample, true,
                  &M::purchases));
  c.push_back(f64("transactions_cny", {"payer", "payee"}, "CNY", "transaction matrix",
                  "Payments between account sectors this month; rows pay columns. Net flows sum to zero." + kSample, true,
                  &M::transactions_cny));
  c.push_back(scalar("cny_per_usd", "CNY/USD", "exchange rate", "Yearly averages interpolated monthly.", false, &M::cny_per_usd));
  c.push_back(scalar("firm_cash_cny", "CNY", "cash of all firm agents", "End of month." + kSample, false, &M::firm_cash_cny));
  c.push_back(scalar("credit_outstanding_cny", "CNY", "credit drawn by firm agents", "End of month." + kSample, false,
                     &M::credit_outstanding_cny));
  c.push_back(scalar("credit_written_off_cny", "CNY", "credit written off", "Unpaid credit of firms that closed." + kSample, true,
                     &M::credit_written_off_cny));
  return c;
}

}  // namespace

const std::vector<OutputVariable>& output_catalog() {
  // Immutable after first construction (thread-safe static init): a table, not state.
  static const std::vector<OutputVariable> catalog = build_catalog();
  return catalog;
}

}  // namespace pzsim
