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
using M = MonthOutputs;
using enum OutputKind;

// CF units and currency: UDUNITS has no currencies, so money is "1" with a currency attribute.
struct Unit {
  std::string units;
  std::string currency;
};
const Unit kUsd{"1", "USD"};
const Unit kCny{"1", "CNY"};
const Unit kNumber{"1", ""};  // counts (firms, workers, people, products), shares and levels
const Unit kDay{"day", ""};   // "day", not "days": xarray reads plain numbers, not timedelta64

constexpr bool kSample = true;   // sample units: divide by sample_fraction
constexpr bool kPlain = false;   // prices, rates, days, levels, flags: never divided

// Builds the catalog section by section; every variable is listed under the last section().
class CatalogBuilder {
 public:
  void section(std::string name) { section_ = std::move(name); }

  void f64(std::string name, std::vector<std::string> dims, const Unit& unit, std::string long_name,
           std::string description, OutputKind kind, bool sample, std::vector<double> M::*member) {
    V& v = add(std::move(name), std::move(dims), OutputType::f64, unit, std::move(long_name), std::move(description), kind,
               sample);
    v.f64 = [member](const M& o) { return std::span<const double>(o.*member); };
  }
  void i64(std::string name, std::vector<std::string> dims, const Unit& unit, std::string long_name,
           std::string description, OutputKind kind, bool sample, std::vector<std::int64_t> M::*member) {
    V& v = add(std::move(name), std::move(dims), OutputType::i64, unit, std::move(long_name), std::move(description), kind,
               sample);
    v.i64 = [member](const M& o) { return std::span<const std::int64_t>(o.*member); };
  }
  void scalar(std::string name, const Unit& unit, std::string long_name, std::string description, OutputKind kind,
              bool sample, double M::*member) {
    V& v = add(std::move(name), {}, OutputType::f64, unit, std::move(long_name), std::move(description), kind, sample);
    v.f64 = [member](const M& o) { return std::span<const double>(&(o.*member), 1); };
  }
  // A 0/1 status: CF flag_values and flag_meanings, no units.
  void flag(std::string name, std::vector<std::string> dims, std::string long_name, std::string description,
            std::vector<std::string> meanings, std::vector<std::uint8_t> M::*member) {
    V& v = add(std::move(name), std::move(dims), OutputType::u8, Unit{}, std::move(long_name), std::move(description),
               stock, kPlain);
    v.flag_meanings = std::move(meanings);
    v.u8 = [member](const M& o) { return std::span<const std::uint8_t>(o.*member); };
  }
  // A monthly mean weighted by the month's sales: CF cell_methods says by what.
  void weighted_by(std::string weights) { variables.back().cell_methods = "time: mean (weighted by " + weights + ")"; }

  std::vector<V> variables;

 private:
  V& add(std::string name, std::vector<std::string> dims, OutputType type, const Unit& unit, std::string long_name,
         std::string description, OutputKind kind, bool sample) {
    V v;
    v.name = std::move(name);
    v.dims = std::move(dims);
    v.type = type;
    v.units = unit.units;
    v.currency = unit.currency;
    v.long_name = std::move(long_name);
    v.description = std::move(description);
    v.kind = kind;
    v.sample_units = sample;
    v.section = section_;
    v.cell_methods = kind == flow ? "time: sum" : kind == monthly_mean ? "time: mean" : "";
    variables.push_back(std::move(v));
    return variables.back();
  }
  std::string section_;
};

std::vector<OutputVariable> build_catalog() {
  CatalogBuilder c;
  c.section("Exports");
  c.f64("exports_usd", {"city", "sector", "channel"}, kUsd, "exports by real channel",
        "Exports by the channel the goods really travelled: the seller revenue of the city's firms abroad. General trade: "
        "the aggregate importers' payments (CES share of the destination-sector market); CBEC: buyers' payments net of the "
        "platform commission. Values include the trade and logistics costs built into the delivered price (freight, "
        "tariffs, duties), i.e. not free on board.",
        flow, kSample, &M::exports_usd);
  c.f64("exports_volume", {"city", "channel"}, kNumber, "export volume, units of output",
        "Sum over the city's sales of the buyers' payment / delivered price, i.e. the units sold (a unit of output costs "
        "wage / productivity to make). For CBEC both the payment and the price are gross of the platform commission, so "
        "the volume is the number of units buyers received.",
        flow, kSample, &M::exports_volume);
  c.f64("exports_by_destination_usd", {"destination", "channel"}, kUsd, "exports by destination",
        "`exports_usd` by destination market (all cities and sectors). Its CBEC column equals `seller_revenue_usd`.", flow,
        kSample, &M::exports_by_destination_usd);
  c.f64("exports_declared_usd", {"city", "customs_code"}, kUsd, "exports by declared customs code",
        "The same sales by the customs code they are declared under: `0110` general trade; `9610` CBEC parcels; `9710` "
        "the `zones.fiscal.b2b_online_share` (default 0.05) of the general-trade exports of zone firms for which the "
        "zone's declaration reward covers the cost of the route, once the `customs_codes` event is in force (2020-07); "
        "`9810` CBEC shipped via overseas warehouses once the codes exist (`0110` before). Sums over codes equal sums over "
        "channels.",
        flow, kSample, &M::exports_declared_usd);
  c.f64("exports_cbec_recorded_usd", {"city"}, kUsd, "CBEC exports as recorded in national statistics",
        "CBEC exports as national statistics record them: `9610`, plus `9710` and `9810` from the month the "
        "`customs_codes` event starts (the July 2020 definition change). Compare with `exports_usd.sel(channel=\"cbec\")` "
        "to separate relabelling and the statistics break from real change.",
        flow, kSample, &M::exports_cbec_recorded_usd);
  c.f64("avg_delivered_price_usd", {"city", "channel"}, kUsd, "average delivered price per unit of output",
        "`sum(payment) / sum(payment / price)` over the city's sales this month, with the buyers' payments (gross of "
        "commission for CBEC): the quantity-weighted mean delivered price, `exports_volume`'s weights; 0 without exports. "
        "Aggregate across cities weighting by volume, `(price * volume).sum(\"city\") / volume.sum(\"city\")`, not by "
        "plain averaging; for CBEC, `exports_usd / volume` is the price net of commission.",
        monthly_mean, kPlain, &M::avg_delivered_price_usd);
  c.weighted_by("quantity sold");

  c.section("Firms and markets");
  c.i64("exporters", {"city", "channel"}, kNumber, "exporting firms",
        "Firms registered in the city that are active in at least one destination by the channel at the end of the "
        "month: counted after closures, relocations and births (`end_month`), so a firm that closed this month is not "
        "counted and one that relocated counts in its new city.",
        stock, kSample, &M::exporters);
  c.i64("market_entries", {"city", "channel"}, kNumber, "market entries (firm-markets)",
        "Entries of the city's firms into destination x channel markets this month.", flow, kSample, &M::market_entries);
  c.i64("market_exits", {"city", "channel"}, kNumber, "market exits (firm-markets)",
        "Exits from destination x channel markets this month, account suspensions included (CBEC); closures of whole "
        "firms are not counted here.",
        flow, kSample, &M::market_exits);
  c.i64("entries_blocked", {"city", "channel"}, kNumber, "entries blocked by finance (firm-markets)",
        "Firms reconsidering a market this month whose cash plus unused credit fell short of the sunk cost plus the "
        "working capital of the first month's production (credit-constrained would-be entrants).",
        flow, kSample, &M::entries_blocked);
  c.f64("parcel_delivery_days", {"city"}, kDay, "delivery time of CBEC parcels",
        "Sales-weighted mean delivery days of the city's CBEC parcel sales (the destination's parcel days minus the "
        "information instrument's clearance savings, at least 1); 0 without parcel sales. Warehouse sales are excluded. "
        "The unit is written `day` (not `days`) so that xarray reads plain numbers rather than decoding a `timedelta64`.",
        monthly_mean, kPlain, &M::parcel_delivery_days);
  c.weighted_by("parcel sales");
  c.i64("products_listed", {"city"}, kNumber, "products listed by CBEC sellers",
        "Sum over the city's active CBEC stores of listed products at the end of the month (counted with `exporters`, "
        "after closures and relocations).",
        stock, kSample, &M::products_listed);

  c.section("Employment and labour");
  c.i64("employment", {"city"}, kNumber, "employment (workers)",
        "End of month: `firm_employment + services_jobs + supplier_jobs + other_jobs`.", stock, kSample, &M::employment);
  c.i64("firm_employment", {"city"}, kNumber, "employment in firm agents (workers)",
        "Employees of the firm agents registered in the city (a trading company's own staff only), end of month.", stock,
        kSample, &M::firm_employment);
  c.i64("services_jobs", {"city"}, kNumber, "logistics and services jobs (workers)",
        "Logistics and service jobs, moving toward `services_jobs_per_kparcel` per thousand CBEC parcels a month shipped "
        "by the city's firms (parcels = buyers' payments / `parcel_value_usd`).",
        stock, kSample, &M::services_jobs);
  c.i64("supplier_jobs", {"city"}, kNumber, "supplier jobs (workers)",
        "Contract-manufacturing jobs producing for trading companies, in the city where their goods are made: 90% of the "
        "workers their sales need (the wage share `firms.labour_cost_share` of variable cost, at that city's wage), "
        "approached with hiring frictions.",
        stock, kSample, &M::supplier_jobs);
  c.i64("other_jobs", {"city"}, kNumber, "rest-of-economy jobs (workers)",
        "The rest of the economy (the non-exporting employer), following the labour force and falling when local wages "
        "outrun their trend.",
        stock, kSample, &M::other_jobs);
  c.i64("jobs_created", {"city"}, kNumber, "gross jobs created (workers)",
        "Sum of positive employment changes per employer this month (hires, births, arrivals of relocating firms; "
        "aggregate employers' increases).",
        flow, kSample, &M::jobs_created);
  c.i64("jobs_destroyed", {"city"}, kNumber, "gross jobs destroyed (workers)",
        "Sum of negative employment changes per employer (layoffs, closures, departures of relocating firms). "
        "`jobs_created - jobs_destroyed` equals the month's change in `employment`.",
        flow, kSample, &M::jobs_destroyed);
  c.section("Firms and markets");
  c.i64("firms_alive", {"city"}, kNumber, "living firms", "Living firms registered in the city at the end of the month.",
        stock, kSample, &M::firms_alive);
  c.i64("firm_births", {"city"}, kNumber, "firm births", "Firms born in the city this month.", flow, kSample,
        &M::firm_births);
  c.i64("firm_deaths", {"city"}, kNumber, "firm deaths",
        "Firms that closed this month (insolvency, sustained losses, exogenous hazard).", flow, kSample, &M::firm_deaths);
  c.i64("relocations_in", {"city"}, kNumber, "firms relocating into the city",
        "Firms that moved their registration into the city this month.", flow, kSample, &M::relocations_in);
  c.i64("relocations_out", {"city"}, kNumber, "firms relocating out of the city",
        "Firms that moved out of the city this month. `firms_alive` changes by births - deaths + in - out.", flow, kSample,
        &M::relocations_out);
  c.section("Employment and labour");
  c.f64("labour_force", {"city"}, kNumber, "labour force (workers)",
        "End of month, after wages, migration, the rural inflow and relocations. Its change from the previous month "
        "equals `net_migration + rural_inflow`; it is never below employment, by the model's accounting (those who "
        "migrate out are unemployed job seekers; a founder in a city without unemployed comes from the rural pool), not "
        "by a floor.",
        stock, kSample, &M::labour_force);
  c.f64("net_migration", {"city"}, kNumber, "net migration (workers)",
        "Workers arriving from other cities minus those leaving: job seekers (a city's outflow is at most its "
        "unemployed; arrivals are scaled to equal departures) and the workers of relocating firms. Sums to zero over "
        "cities.",
        flow, kSample, &M::net_migration);
  c.f64("rural_inflow", {"city"}, kNumber, "inflow from the rural pool (workers)",
        "Workers joining the city's labour force from the rural pool (`labour.rural_inflow`), including founders of new "
        "firms in a city with no one unemployed.",
        flow, kSample, &M::rural_inflow);
  c.f64("wage_cny", {"city"}, kCny, "monthly wage per worker", "Monthly wage at the end of the month (CNY per worker a month).",
        stock, kPlain, &M::wage_cny);

  c.section("Home market and import side");
  c.f64("domestic_sales_cny", {"city"}, kCny, "home sales of firm agents",
        "Home sales of the city's firm agents, at factory-gate prices (CES share of the sector's home demand).", flow,
        kSample, &M::domestic_sales_cny);
  c.f64("cbec_imports_usd", {"city"}, kUsd, "CBEC imports",
        "Cross-border purchases of the city's Chinese shoppers (adopters who shop this month x "
        "`import_side.basket_usd`).",
        flow, kSample, &M::cbec_imports_usd);
  c.f64("import_shoppers_adopted", {"city"}, kNumber, "cross-border shoppers (people)",
        "Online shoppers of the city who buy abroad (weighted adopters).", stock, kSample, &M::import_shoppers_adopted);

  c.section("Zones and fiscal cost");
  c.flag("zone_active", {"city"}, "zone status",
         "1 from the month the city's zone is approved (also when all four instrument strengths are 0: status-only "
         "zones); 0 in every city of a counterfactual.",
         {"no_zone", "zone"}, &M::zone_active);
  c.f64("instrument_level", {"city", "instrument"}, kNumber, "zone instrument level",
        "Level in [0, 1] of each instrument: `max(national floor, strength x ramp x effectiveness)` in zone cities, the "
        "national floor elsewhere.",
        stock, kPlain, &M::instrument_level);
  c.f64("fiscal_cost_usd", {"city"}, kUsd, "zone fiscal cost",
        "Zone fiscal cost of the city: forgone VAT (from `zones.fiscal.vat_exemption_start`, 2018-10) and forgone income "
        "tax (from `deemed_margin_start`, 2020-01), both on the `no_invoice_share` of zone firms' retail exports (parcel "
        "sales; warehouse shipments only by `warehouse_retail_share`, default 0); interest subsidies, 9710 declaration "
        "rewards and running costs from approval; central + local. Booked in CNY, stored in USD at the month's rate.",
        flow, kSample, &M::fiscal_cost_usd);
  c.f64("fiscal_cost_central_usd", {"city"}, kUsd, "zone fiscal cost, central government",
        "Central government's part: its shares of forgone VAT (`vat_central_share`) and forgone income tax "
        "(`income_tax_central_share`).",
        flow, kSample, &M::fiscal_cost_central_usd);
  c.f64("fiscal_cost_local_usd", {"city"}, kUsd, "zone fiscal cost, local government",
        "Local government's part: the rest of the forgone taxes, interest subsidies, 9710 declaration rewards and the "
        "zone's running cost.",
        flow, kSample, &M::fiscal_cost_local_usd);
  c.f64("forgone_vat_usd", {"city"}, kUsd, "forgone VAT",
        "VAT exemption without invoices on zone firms' retail exports: the VAT part of `fiscal_cost_usd` (central and "
        "local).",
        flow, kSample, &M::forgone_vat_usd);
  c.f64("forgone_income_tax_usd", {"city"}, kUsd, "forgone income tax",
        "Ordinary minus deemed-margin income tax of zone retail exporters: the income-tax part of `fiscal_cost_usd` "
        "(central and local).",
        flow, kSample, &M::forgone_income_tax_usd);
  c.f64("tax_revenue_usd", {"city"}, kUsd, "income tax paid by firm agents",
        "Income tax actually paid by the city's firm agents (every city). Compare with a counterfactual run to net the "
        "induced revenue off `fiscal_cost_usd`.",
        flow, kSample, &M::tax_revenue_usd);

  c.section("Platform and overseas consumers");
  c.f64("platform_sales_usd", {"destination"}, kUsd, "CBEC sales on the platform",
        "Buyers' payments to Chinese CBEC sellers, gross of commission.", flow, kSample, &M::platform_sales_usd);
  c.f64("platform_commission_usd", {"destination"}, kUsd, "platform commission",
        "The platform's referral fee on those sales (`platform.commission` x sales).", flow, kSample,
        &M::platform_commission_usd);
  c.f64("seller_revenue_usd", {"destination"}, kUsd, "CBEC seller revenue",
        "`platform_sales_usd - platform_commission_usd`.", flow, kSample, &M::seller_revenue_usd);
  c.f64("platform_sales_other_usd", {"destination"}, kUsd, "non-Chinese sellers' sales on the platforms",
        "Non-Chinese sellers' sales on the same platforms: `platform_penetration` x buyers' spending with non-Chinese "
        "online sellers. Chinese sellers' share of platform spending is `platform_sales_usd / (platform_sales_usd + "
        "platform_sales_other_usd)` (the Marketplace Pulse comparison in docs/model.md).",
        flow, kSample, &M::platform_sales_other_usd);
  c.f64("import_spending_usd", {"destination"}, kUsd, "imports of the categories",
        "Buyers' spending on imports of the categories from every origin: Chinese CBEC, offline imports (general trade, "
        "China's and competitors') and non-Chinese online sellers. It rises when Chinese CBEC gets cheaper (the nested "
        "logit has an outside option: the rest of the buyers' spending).",
        flow, kSample, &M::import_spending_usd);
  c.f64("consumers_adopted", {"destination"}, kNumber, "buyers aware of Chinese sellers (people)",
        "Weighted count of consumer agents aware of Chinese sellers (the awareness share is this over `online_shoppers` "
        "x `sample_fraction`).",
        stock, kSample, &M::consumers_adopted);
  c.f64("purchases", {"destination"}, kNumber, "purchases from Chinese CBEC sellers",
        "Sum over the agents who shop this month of weight x R / (1 + R), the probability that their online purchase "
        "goes to a Chinese seller rather than a non-Chinese one (one online purchase per shopping person).",
        flow, kSample, &M::purchases);

  c.section("Accounts and economy-wide series");
  c.f64("transactions_cny", {"payer", "payee"}, kCny, "transaction matrix",
        "Payments between account sectors this month; rows pay columns. Each payment is recorded once, so net flows sum "
        "to zero; the firms' column minus row equals the change in `firm_cash_cny`. The payments are listed in "
        "docs/model.md (stock-flow accounts).",
        flow, kSample, &M::transactions_cny);
  c.scalar("cny_per_usd", Unit{"1", "CNY/USD"}, "exchange rate, CNY per USD",
           "Exchange rate of the month: yearly averages interpolated monthly.", stock, kPlain, &M::cny_per_usd);
  c.scalar("firm_cash_cny", kCny, "cash of all firm agents", "Cash of all firm agents at the end of the month.", stock,
           kSample, &M::firm_cash_cny);
  c.scalar("credit_outstanding_cny", kCny, "credit drawn by firm agents",
           "Credit drawn by all firm agents at the end of the month.", stock, kSample, &M::credit_outstanding_cny);
  c.scalar("credit_written_off_cny", kCny, "credit written off", "Unpaid credit of the firms that closed this month.",
           flow, kSample, &M::credit_written_off_cny);
  return std::move(c.variables);
}

}  // namespace

const std::vector<OutputVariable>& output_catalog() {
  // Immutable after first construction (thread-safe static init): a table, not state.
  static const std::vector<OutputVariable> catalog = build_catalog();
  return catalog;
}

}  // namespace pzsim
