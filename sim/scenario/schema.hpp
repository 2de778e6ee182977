#pragma once
// The scenario schema, declared once: every YAML key, its unit, allowed range and one line
// of documentation. The same declarations drive parsing and validation (parse.cpp),
// printing the resolved scenario (emit.cpp) and the reference in docs/scenarios.md
// (`pzsim schema`), so the three can never disagree.
//
// A visitor V provides:
//   v.field(key, value, doc, Rule)     scalars, optionals and lists of scalars
//   v.section(key, struct, doc)        a nested map, described by describe(v, struct)
//   v.list(key, vector<struct>, doc)   a sequence of maps
#include <array>
#include <limits>
#include <string_view>

#include "sim/scenario/scenario.hpp"

namespace pzsim {

// Unit and inclusive range of a numeric field (ignored for strings and enums).
struct Rule {
  std::string_view unit = "";
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
};
inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline Rule share(std::string_view unit = "share") { return Rule{unit, 0.0, 1.0}; }
inline Rule nonneg(std::string_view unit) { return Rule{unit, 0.0, kInf}; }
inline Rule positive(std::string_view unit) { return Rule{unit, 1e-12, kInf}; }
inline Rule range(std::string_view unit, double lo, double hi) { return Rule{unit, lo, hi}; }

// Names of enum values as written in YAML.
template <class E>
struct EnumNames;
template <>
struct EnumNames<Region> {
  static constexpr std::array<std::string_view, 4> names = {"east", "central", "west", "northeast"};
};
template <>
struct EnumNames<ProductivityDistribution> {
  static constexpr std::array<std::string_view, 2> names = {"lognormal", "pareto"};
};
template <>
struct EnumNames<ZoneSelection> {
  static constexpr std::array<std::string_view, 5> names = {"none", "list", "top_k", "inland_first",
                                                            "all_at_once"};
};
template <>
struct EnumNames<EventKind> {
  static constexpr std::array<std::string_view, 8> names = {
      "trade_cost",          "demand_shock",    "national_floor", "import_pilot",
      "onboarding_campaign", "suspension_wave", "customs_codes",  "cbec_price"};
};
template <>
struct EnumNames<Instrument> {
  static constexpr auto names = kInstrumentNames;
};
template <>
struct EnumNames<Channel> {
  static constexpr auto names = kChannelNames;
};
template <class E>
std::string_view enum_name(E value) {
  return EnumNames<E>::names[static_cast<std::size_t>(value)];
}

template <class V>
void describe(V& v, RunConfig& r) {
  v.field("start", r.start, "first simulated month", Rule{"YYYY-MM"});
  v.field("months", r.months, "number of monthly steps", range("months", 1, kMaxRunMonths));
  v.field("seed", r.seed, "base seed of every random stream (the same seed pairs a policy run with its counterfactual)",
          Rule{""});
  v.field("burn_in_months", r.burn_in_months,
          "months simulated before start under the start month's conditions (not written), so the start is near equilibrium",
          range("months", 0, kMaxBurnInMonths));
}

template <class V>
void describe(V& v, ScaleConfig& s) {
  v.field("sample_fraction", s.sample_fraction,
          "share of China's trading firms the firm agents stand for; demand is scaled by it",
          range("share", 1e-6, 1.0));
}

template <class V>
void describe(V& v, CitySpec& c) {
  v.field("name", c.name, "city name, unique", Rule{});
  v.field("province", c.province, "province", Rule{});
  v.field("region", c.region, "NBS macro-region: east, central, west, northeast", Rule{});
  v.field("coastal", c.coastal, "on the coast", Rule{});
  v.field("infrastructure", c.infrastructure, "infrastructure index (drawn when omitted)", share("index"));
  v.field("ecommerce", c.ecommerce, "e-commerce development index (drawn when omitted)", share("index"));
  v.field("trade_scale", c.trade_scale, "trade-scale index (drawn when omitted)", share("index"));
  v.field("labour_force", c.labour_force, "workers (drawn when omitted)", range("workers", 1000, 1e9));
  v.field("wage_cny", c.wage_cny, "monthly wage at the start (drawn when omitted)", range("CNY/month", 100, 1e6));
  v.field("firm_weight", c.firm_weight, "relative number of manufacturing firms (drawn when omitted)",
          range("1", 0.0, 1e9));
  v.field("productivity", c.productivity,
          "city productivity relative to the national mean; firms' unit cost is wage / (firm x city productivity)",
          range("1", 0.1, 10));
  v.field("synthetic", c.synthetic,
          "generated or with a drawn attribute; set true when the scenario is resolved (written to outputs)", Rule{});
}

template <class V>
void describe(V& v, CityAttributeDistributions& a) {
  v.field("seed", a.seed, "seed of drawn city attributes, fixed across run seeds", Rule{});
  v.field("coastal_index_bonus", a.coastal_index_bonus, "added to the indices of coastal cities", range("index", -1, 1));
  v.field("east_index_bonus", a.east_index_bonus, "added to the indices of eastern cities", range("index", -1, 1));
  v.field("index_sd", a.index_sd, "sd of the indices around their regional mean", range("index", 0, 1));
  v.field("labour_force_median", a.labour_force_median, "median labour force", range("workers", 1000, 1e9));
  v.field("labour_force_sigma", a.labour_force_sigma, "lognormal sigma of the labour force", range("1", 0, 3));
  v.field("wage_cny_east", a.wage_cny_east, "mean monthly wage at the start, east", range("CNY/month", 100, 1e6));
  v.field("wage_cny_other", a.wage_cny_other, "mean monthly wage at the start, elsewhere", range("CNY/month", 100, 1e6));
}

template <class V>
void describe(V& v, SyntheticCities& s) {
  v.field("count", s.count, "synthetic cities appended after the list", range("cities", 0, 100000));
  v.field("name_prefix", s.name_prefix, "names are prefix-1, prefix-2, ...", Rule{});
  v.field("coastal_share", s.coastal_share, "share drawn as coastal", share());
  v.field("region_shares", s.region_shares, "shares east, central, west, northeast", share());
}

template <class V>
void describe(V& v, CitiesConfig& c) {
  v.field("inland_cost_general", c.inland_cost_general, "extra ad-valorem cost of general trade from inland cities",
          range("share", 0, 10));
  v.field("inland_cost_cbec", c.inland_cost_cbec, "extra ad-valorem cost of CBEC parcels from inland cities",
          range("share", 0, 10));
  v.list("list", c.list, "explicit cities");
  v.section("synthetic", c.synthetic, "generated cities appended after the list");
  v.section("attributes", c.attributes, "how omitted city attributes are drawn");
}

template <class V>
void describe(V& v, DestinationSpec& d) {
  v.field("name", d.name, "market name, unique", Rule{});
  v.field("general_imports_usd", d.general_imports_usd,
          "monthly imports from China in 2015, national (anchors China's export path)",
          range("USD/month", 0, 1e13));  // bounded: 1e308 overflowed the demand arithmetic to inf/NaN
  v.field("import_growth", d.import_growth,
          "yearly growth of imports from China: the path China's import share follows", range("1/year", -0.5, 1.0));
  v.field("income_growth", d.income_growth, "yearly growth of the destination's spending (nominal income in USD)",
          range("1/year", -0.5, 1.0));
  v.field("china_share", d.china_share, "China's share of the offline imports of these goods at the start",
          range("share", 0.001, 0.99));
  v.field("online_shoppers", d.online_shoppers, "people shopping online (the people consumer agents stand for)",
          nonneg("people"));
  v.field("online_share", d.online_share, "e-commerce share of retail at run start and end (data; interpolated)",
          range("share", 0.0, 0.99));
  v.field("trade_cost_general", d.trade_cost_general, "ad-valorem cost of general trade", range("share", 0, 10));
  v.field("trade_cost_cbec", d.trade_cost_cbec, "ad-valorem cost of CBEC parcels", range("share", 0, 1e6));
  v.field("delivery_days_parcel", d.delivery_days_parcel, "parcel delivery time", range("days", 0, 365));
  v.field("delivery_days_warehouse", d.delivery_days_warehouse, "delivery from an overseas warehouse",
          range("days", 0, 365));
  v.field("platform_penetration", d.platform_penetration,
          "share of non-Chinese online spending through the platforms that list Chinese sellers", share());
  v.field("awareness_start", d.awareness_start, "share of shoppers aware of Chinese sellers at the start", share());
  v.field("outside_utility", d.outside_utility, "utility of non-Chinese online sellers against the Chinese CBEC nest",
          range("utils", -50, 50));
}

template <class V>
void describe(V& v, SectorSpec& s) {
  v.field("name", s.name, "product category, unique", Rule{});
  v.field("trade_elasticity", s.trade_elasticity,
          "trade elasticity theta = sigma - 1, sigma the elasticity of substitution (Simonovska & Waugh: about 4)",
          range("1", 0.05, 20));
  v.field("spending_share", s.spending_share, "share of each destination's spending", share());
  v.field("logistics_cost", s.logistics_cost, "logistics cost per value shipped", range("share", 0, 5));
  v.field("quality_sigma", s.quality_sigma, "lognormal sigma of product quality", range("1", 0, 3));
  v.field("domestic_sales_cny", s.domestic_sales_cny, "monthly domestic demand, national", range("CNY/month", 0, 1e15));
}

template <class V>
void describe(V& v, FirmsConfig& f) {
  v.field("count", f.count, "firm agents at the start", range("firms", 1, 50000000));
  v.field("productivity", f.productivity, "productivity distribution: lognormal or pareto", Rule{});
  v.field("productivity_sigma", f.productivity_sigma, "lognormal sigma of productivity", range("1", 0, 4));
  v.field("pareto_shape", f.pareto_shape, "Pareto shape of productivity", range("1", 1.01, 50));
  v.field("productivity_growth_year", f.productivity_growth_year, "yearly productivity growth of every firm",
          range("1/year", -0.5, 1.0));
  v.field("labour_cost_share", f.labour_cost_share, "share of variable cost paid as wages; the rest buys inputs",
          range("share", 0.01, 1.0));
  v.field("home_market_share", f.home_market_share, "the firms' share of domestic category demand at the start",
          range("share", 0.001, 0.99));
  v.field("exporter_share", f.exporter_share, "share exporting by general trade at the start", share());
  v.field("cbec_share", f.cbec_share, "share selling by CBEC at the start", share());
  v.field("trader_share", f.trader_share, "share of trading companies", share());
  v.field("employees_median", f.employees_median, "employees of a median firm at the start", range("workers", 1, 1e5));
  v.field("startup_cash_months", f.startup_cash_months, "cash at birth", range("months of wage bill", 0, 600));
  v.field("credit_line_months", f.credit_line_months, "credit line", nonneg("months of revenue"));
  v.field("interest_rate_year", f.interest_rate_year, "yearly interest on credit", range("1/year", 0, 2));
  v.field("sunk_cost_general_cny", f.sunk_cost_general_cny, "sunk cost of a general-trade destination",
          nonneg("CNY"));
  v.field("sunk_cost_cbec_cny", f.sunk_cost_cbec_cny, "sunk cost of a CBEC destination", nonneg("CNY"));
  v.field("fixed_cost_general_cny", f.fixed_cost_general_cny, "fixed cost per general-trade destination",
          nonneg("CNY/month"));
  v.field("fixed_cost_cbec_cny", f.fixed_cost_cbec_cny, "fixed cost per CBEC destination", nonneg("CNY/month"));
  v.field("compliance_cost_per_product_cny", f.compliance_cost_per_product_cny, "cost per listed product",
          nonneg("CNY/month"));
  v.field("entry_consideration_rate", f.entry_consideration_rate, "monthly chance a firm reconsiders a market",
          share("1/month"));
  v.field("decision_noise", f.decision_noise, "logit scale of entry and exit decisions", range("1", 0.01, 100));
  v.field("signal_noise", f.signal_noise, "sd of the log error of profit expectations", range("1", 0, 5));
  v.field("horizon_months", f.horizon_months, "months of profit weighed against sunk cost", range("months", 1, 600));
  v.field("working_capital_months_general", f.working_capital_months_general, "cash cycle of general trade",
          range("months", 0, 24));
  v.field("working_capital_months_cbec", f.working_capital_months_cbec, "cash cycle of CBEC parcels",
          range("months", 0, 24));
  v.field("working_capital_months_warehouse", f.working_capital_months_warehouse, "cash cycle via warehouses",
          range("months", 0, 24));
  v.field("warehouse_cost_cny", f.warehouse_cost_cny,
          "monthly cost of overseas-warehouse fulfilment per store (a quarter with the platform's logistics service)",
          nonneg("CNY/month"));
  v.field("warehouse_cost_per_product_cny", f.warehouse_cost_per_product_cny,
          "monthly warehouse cost per listed product (a quarter with the platform's logistics service)", nonneg("CNY/month"));
  v.field("warehouse_cost_share", f.warehouse_cost_share,
          "warehouse cost per factory-gate value shipped (storage and unsold-stock risk)", share());
  v.field("revenue_per_product_usd", f.revenue_per_product_usd, "sales that justify one more product",
          positive("USD/month"));
  v.field("max_products", f.max_products, "most products listed per market", range("products", 1, 1000000));
  v.field("death_rate", f.death_rate, "exogenous exit hazard", share("1/month"));
  v.field("loss_months_to_exit", f.loss_months_to_exit, "consecutive loss months before closing",
          range("months", 1, 600));
  v.field("birth_rate", f.birth_rate, "births per living firm in an average city", share("1/month"));
  v.field("birth_profit_response", f.birth_profit_response, "elasticity of births to local profitability",
          range("1", 0, 10));
  v.field("relocation_rate", f.relocation_rate, "monthly chance a CBEC firm reviews its location", share("1/month"));
  v.field("relocation_cost_months", f.relocation_cost_months, "moving cost", nonneg("months of wage bill"));
  v.field("hiring_speed", f.hiring_speed, "share of the hiring gap closed per month", share());
  v.field("layoff_speed", f.layoff_speed, "share of excess workers laid off per month", share());
  v.field("corporate_tax", f.corporate_tax, "corporate income tax rate", share());
}

template <class V>
void describe(V& v, ConsumersConfig& c) {
  v.field("agents_per_destination", c.agents_per_destination, "consumer agents per destination",
          range("agents", 1, 100000000));
  v.field("innovation", c.innovation, "Bass innovation (spontaneous awareness)", share("1/month"));
  v.field("imitation", c.imitation, "Bass imitation (awareness from the aware share)", share("1/month"));
  v.field("shopping_rate", c.shopping_rate, "monthly chance an aware shopper buys cross-border", share("1/month"));
  v.field("consideration_set", c.consideration_set, "listings drawn per shopping trip", range("listings", 1, 256));
  v.field("nest_dissimilarity", c.nest_dissimilarity, "nested-logit parameter of the Chinese nest",
          range("1", 0.05, 1.0));
  v.field("quality_weight", c.quality_weight, "weight on log quality (times the trade elasticity)", nonneg("1"));
  v.field("delivery_day_cost", c.delivery_day_cost, "utility lost per delivery day", nonneg("utils/day"));
  v.field("reputation_weight", c.reputation_weight, "utility of full reputation", nonneg("utils"));
  v.field("cannibalisation", c.cannibalisation,
          "share of CBEC spending taken from the destination's imports of the category (the rest from other spending)",
          range("share", 0.01, 1.0));
  v.field("competitor_response", c.competitor_response,
          "monthly partial adjustment of foreign competitors' price index toward China's import-share path",
          share("1/month"));
  v.field("choke_price_ratio", c.choke_price_ratio, "buyers ignore offers above this multiple of the reference price",
          range("1", 1.0, 1e12));
}

template <class V>
void describe(V& v, ImportSideConfig& c) {
  v.field("agents_per_city", c.agents_per_city, "Chinese shopper agents per city", range("agents", 0, 10000000));
  v.field("online_shopper_share", c.online_shopper_share, "share of the labour force shopping online", share());
  v.field("adopted_start", c.adopted_start, "share of online shoppers buying abroad at the start", share());
  v.field("innovation", c.innovation, "Bass innovation", share("1/month"));
  v.field("imitation", c.imitation, "Bass imitation", share("1/month"));
  v.field("shopping_rate", c.shopping_rate, "monthly chance an adopter buys abroad", share("1/month"));
  v.field("basket_usd", c.basket_usd, "spend per purchase", range("USD", 0, 1e6));
  v.field("pilot_adoption_boost", c.pilot_adoption_boost, "relative adoption gain where bonded imports exist",
          range("1", 0, 100));
}

template <class V>
void describe(V& v, PlatformConfig& p) {
  v.field("commission", p.commission, "referral fee on CBEC sales", range("share", 0, 0.9));
  v.field("monthly_fee_usd", p.monthly_fee_usd, "seller fee per store", range("USD/month", 0, 1e6));
  v.field("newcomer_boost", p.newcomer_boost, "extra visibility of a new listing", nonneg("1"));
  v.field("newcomer_months", p.newcomer_months, "e-folding months of the newcomer boost", positive("months"));
  v.field("reputation_visibility", p.reputation_visibility, "visibility gain from full reputation", nonneg("1"));
  v.field("warehouse_visibility", p.warehouse_visibility, "visibility gain from platform logistics", nonneg("1"));
  v.field("reputation_speed", p.reputation_speed, "monthly convergence of reputation", share("1/month"));
  v.field("suspension_rate", p.suspension_rate, "monthly account-suspension hazard", share("1/month"));
  v.field("logistics_service", p.logistics_service, "platform logistics open to small sellers", Rule{});
}

template <class V>
void describe(V& v, LabourConfig& l) {
  v.field("vacancy_fill_rate", l.vacancy_fill_rate, "share of the unemployed hireable per month", share("1/month"));
  v.field("wage_trend_year", l.wage_trend_year, "nominal wage growth at normal tightness", range("1/year", -0.5, 1));
  v.field("wage_tightness_response", l.wage_tightness_response, "monthly relative wage change per point of employment rate above normal",
          range("1", 0, 1));
  v.field("wage_fall_max_year", l.wage_fall_max_year,
          "largest fall of a city's nominal wage in a year (downward nominal wage rigidity)", share("1/year"));
  v.field("normal_employment_rate", l.normal_employment_rate, "employment rate at which wages follow the trend",
          range("share", 0.05, 1));  // > 0: labour force and rural inflow divide by it
  v.field("other_wage_elasticity", l.other_wage_elasticity, "response of that employment to the local wage",
          range("1", 0, 10));
  v.field("services_jobs_per_kparcel", l.services_jobs_per_kparcel, "logistics jobs per thousand monthly parcels",
          nonneg("jobs"));
  v.field("parcel_value_usd", l.parcel_value_usd, "average value of a CBEC parcel", positive("USD"));
  v.field("migration_rate", l.migration_rate, "monthly migration response to wage and job gaps", share("1/month"));
  v.field("hukou_friction", l.hukou_friction, "share of migration blocked by household registration", share());
  v.field("rural_inflow", l.rural_inflow, "monthly inflow from the rural pool per worker", share("1/month"));
}

template <class V>
void describe(V& v, InstrumentSpec& i) {
  v.field("strength", i.strength, "strength", share());
  v.field("ramp_months", i.ramp_months, "months from approval to full strength", range("months", 0, 600));
}

template <class V>
void describe(V& v, InstrumentEffects& e) {
  v.field("credit_line_boost", e.credit_line_boost, "financial: relative credit-line increase", range("1", 0, 100));
  v.field("interest_cut", e.interest_cut, "financial: relative interest cut", share());
  v.field("cash_cycle_cut", e.cash_cycle_cut, "financial: relative cut in working-capital months", share());
  v.field("clearance_days_cut", e.clearance_days_cut, "information: clearance days saved", nonneg("days"));
  v.field("clearance_cost_cut", e.clearance_cost_cut, "information: relative cut in CBEC trade cost", share());
  v.field("inland_cost_cut", e.inland_cost_cut, "information: relative cut in inland haulage cost (local clearance)",
          share());
  v.field("signal_noise_cut", e.signal_noise_cut, "information: relative cut in expectation noise", share());
  v.field("compliance_cost_cut", e.compliance_cost_cut, "information: relative cut in compliance cost", share());
  v.field("entry_cost_cut", e.entry_cost_cut, "administration: relative cut in CBEC sunk and fixed cost", share());
  v.field("birth_boost", e.birth_boost, "administration: relative increase in births", range("1", 0, 100));
  v.field("suspension_cut", e.suspension_cut, "enforcement: relative cut in suspension hazard", share());
  v.field("reputation_boost", e.reputation_boost, "enforcement: relative increase in reputation speed",
          range("1", 0, 100));
}

template <class V>
void describe(V& v, ZoneEntry& z) {
  v.field("city", z.city, "a city in cities", Rule{});
  v.field("approval", z.approval, "approval month", Rule{"YYYY-MM"});
}

template <class V>
void describe(V& v, FiscalConfig& f) {
  v.field("tax_rules", f.tax_rules,
          "zone tax rules (VAT exemption without invoices, deemed margin) and the 9710 declaration reward apply; false for a status-only run", Rule{});
  v.field("vat_rate", f.vat_rate, "VAT rate forgone on exports without invoices", share());
  v.field("no_invoice_share", f.no_invoice_share, "share of zone CBEC exports lacking invoices", share());
  v.field("deemed_margin", f.deemed_margin, "deemed profit margin taxed in zones", share());
  v.field("running_cost_cny", f.running_cost_cny, "running cost of one zone", nonneg("CNY/month"));
  v.field("vat_central_share", f.vat_central_share, "central share of VAT", share());
  v.field("income_tax_central_share", f.income_tax_central_share, "central share of income tax", share());
  v.field("warehouse_retail_share", f.warehouse_retail_share,
          "share of warehouse (9810) shipments the tax rules treat as retail exports (0: B2B, not covered)", share());
  v.field("b2b_online_share", f.b2b_online_share,
          "share of general-trade exports concluded on B2B platforms, which may be declared under 9710", share());
  v.field("declaration_subsidy", f.declaration_subsidy,
          "zone reward per value declared under 9710, paid by the local government (with tax_rules)", share());
  v.field("relabel_cost_cny", f.relabel_cost_cny, "monthly cost of declaring eligible exports under 9710",
          nonneg("CNY/month"));
  v.field("vat_exemption_start", f.vat_exemption_start, "month the zone VAT exemption without invoices starts",
          Rule{"YYYY-MM"});
  v.field("deemed_margin_start", f.deemed_margin_start, "month the zone deemed-margin income tax starts", Rule{"YYYY-MM"});
}

template <class V>
void describe(V& v, ZonesConfig& z) {
  v.field("selection", z.selection, "none, list, top_k, inland_first or all_at_once", Rule{});
  v.list("list", z.list, "zones with approval months (selection: list)");
  v.field("top_k", z.top_k, "zones picked by a rule", range("zones", 0, 100000));
  v.field("rule_start", z.rule_start, "approval month of the first rule-picked zones", Rule{"YYYY-MM"});
  v.field("rule_batch_size", z.rule_batch_size, "rule-picked zones approved together (top_k, inland_first)",
          range("zones", 1, 100000));
  v.field("rule_interval_months", z.rule_interval_months, "months between rule-picked batches (top_k, inland_first)",
          range("months", 0, 600));
  for (int k = 0; k < kInstrumentCount; ++k)
    v.section(kInstrumentNames[static_cast<std::size_t>(k)], z.instruments[static_cast<std::size_t>(k)],
              kInstrumentDescriptions[static_cast<std::size_t>(k)]);
  v.section("effects", z.effects, "what each instrument does at full strength");
  v.field("initial_effectiveness", z.initial_effectiveness, "effectiveness of a follower zone at approval", share());
  v.field("learning_months", z.learning_months, "e-folding months for followers to reach the leader",
          positive("months"));
  v.section("fiscal", z.fiscal, "fiscal accounting");
}

template <class V>
void describe(V& v, EventSpec& e) {
  v.field("kind", e.kind,
          "trade_cost, demand_shock, national_floor, import_pilot, onboarding_campaign, suspension_wave, customs_codes or "
          "cbec_price",
          Rule{});
  v.field("start", e.start, "first month in force", Rule{"YYYY-MM"});
  v.field("end", e.end, "last month in force (open when omitted)", Rule{"YYYY-MM"});
  v.field("destination", e.destination, "destination it touches, or all", Rule{});
  v.field("channel", e.channel, "channel (trade_cost)", Rule{});
  v.field("instrument", e.instrument, "instrument (national_floor)", Rule{});
  v.field("cities", e.cities, "cities (import_pilot); empty means all", Rule{});
  v.field("value", e.value,
          "cost change, offline demand multiplier, floor level, hazard multiplier, boost or CBEC price multiplier",
          range("1", -1e6, 1e6));
  v.field("online_value", e.online_value, "demand_shock: online demand multiplier", range("1", 0, 1e6));
  v.field("source", e.source, "where the measure is documented", Rule{});
}

template <class V>
void describe(V& v, RatePoint& r) {
  v.field("year", r.year, "calendar year", range("year", 1900, 2200));
  v.field("value", r.value, "CNY per USD, yearly average", range("CNY/USD", 0.01, 1000));
}

template <class V>
void describe(V& v, OutputsConfig& o) {
  v.field("snapshot_every", o.snapshot_every, "months between agent snapshots; 0 is off", range("months", 0, 1200));
  v.field("compression", o.compression, "deflate level", range("1", 0, 9));
}

template <class V>
void describe(V& v, Scenario& s) {
  v.field("description", s.description, "what this scenario is for", Rule{});
  v.field("calibration", s.calibration,
          "which calibration estimated parameters of this scenario (written by pzsim calibrate; empty: priors and hand-set values only)",
          Rule{});
  v.section("run", s.run, "simulation window and seed");
  v.section("scale", s.scale, "sample scaling");
  v.section("cities", s.cities, "places");
  v.list("destinations", s.destinations, "overseas markets");
  v.list("sectors", s.sectors, "product categories");
  v.section("firms", s.firms, "exporters and potential entrants");
  v.section("consumers", s.consumers, "overseas buyers");
  v.section("import_side", s.import_side, "Chinese cross-border shoppers");
  v.section("platform", s.platform, "the marketplace");
  v.section("labour", s.labour, "city labour markets");
  v.section("zones", s.zones, "pilot zones and instruments");
  v.list("timeline", s.timeline, "national measures and shocks shared by policy and counterfactual");
  v.list("exchange_rate", s.exchange_rate, "CNY per USD by year (interpolated monthly)");
  v.section("outputs", s.outputs, "what is written");
}

}  // namespace pzsim
