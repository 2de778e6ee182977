#pragma once
// The one plain description of a run. Parsed once from YAML (sim/scenario/parse.cpp),
// validated in one place, then read by the runtime; nothing after parsing touches YAML.
// Every field's key, default, unit and range are declared once in schema.hpp; this file
// only says what each field holds. Money is nominal: CNY for firm accounts, USD for
// foreign demand; flows are per month unless said otherwise.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/clock.hpp"

namespace pzsim {

enum class Region : std::uint8_t { east, central, west, northeast };
enum class ProductivityDistribution : std::uint8_t { lognormal, pareto };
enum class ZoneSelection : std::uint8_t { none, list, top_k, inland_first, all_at_once };

// Zone instruments: the one table. Their order is the order of every per-instrument array
// (ZonesConfig::instruments, instrument levels, national floors, the `instrument` output
// coordinate); the names are the YAML keys under zones and the values of a timeline event's
// `instrument`. Adding one: a value here, its name and description, what it does
// (InstrumentEffects and the rule or formula that uses it).
enum class Instrument : std::uint8_t { financial, information, administration, enforcement };
inline constexpr int kInstrumentCount = 4;
inline constexpr std::array<std::string_view, kInstrumentCount> kInstrumentNames = {
    "financial", "information", "administration", "enforcement"};
inline constexpr std::array<std::string_view, kInstrumentCount> kInstrumentDescriptions = {
    "one-stop financial services", "information exchange (single window)", "mutually recognised administration",
    "joint law enforcement"};

// Real channels a sale can travel by: the one table. Markets are (destination, channel)
// pairs, indexed market = destination * kChannels + channel; the names are the `channel`
// output coordinate and the values of a timeline event's `channel`.
enum Channel : int { kGeneral = 0, kCbec = 1 };
inline constexpr int kChannels = 2;
inline constexpr std::array<std::string_view, kChannels> kChannelNames = {"general", "cbec"};

// Dated national measures and external shocks shared by a run and its counterfactual.
enum class EventKind : std::uint8_t {
  trade_cost,           // change in ad-valorem trade cost of one channel to a destination
  demand_shock,         // multiplies offline (general trade) and online demand of a destination
  national_floor,       // a zone instrument extended nationwide at a level (ends the zone premium)
  import_pilot,         // CBEC import pilot (bonded 1210 imports) in listed cities or everywhere
  onboarding_campaign,  // platform seller-onboarding push: newcomer visibility and entry cost
  suspension_wave,      // platform account suspensions: multiplies the suspension hazard
  customs_codes,        // 9710/9810 B2B codes exist and enter the national CBEC statistics
  cbec_price,           // multiplies the delivered price of every Chinese CBEC listing in a destination (a what-if)
};

// Longest run the schema accepts: months and burn-in months (month counters of firms are
// 16-bit, FirmStore, so a run plus the founders' 12 months must stay below 65,536).
inline constexpr int kMaxRunMonths = 1200;
inline constexpr int kMaxBurnInMonths = 600;

struct RunConfig {
  Month start = Month::of(2012, 1);  // first simulated month
  int months = 168;                  // number of monthly steps
  std::uint64_t seed = 1;            // base seed of every random stream
  int burn_in_months = 36;           // months simulated before start under start conditions, not written
};

struct ScaleConfig {
  // Share of China's trading firms the firm agents stand for; foreign and domestic
  // demand are multiplied by it, so outputs are in sample units (divide to get national).
  double sample_fraction = 0.03;
};

struct CitySpec {
  std::string name;                  // city name, unique
  std::string province;              // province
  Region region = Region::east;      // NBS macro-region
  bool coastal = false;              // on the coast
  std::optional<double> infrastructure;  // index in [0,1]; drawn when omitted
  std::optional<double> ecommerce;       // e-commerce development index in [0,1]; drawn when omitted
  std::optional<double> trade_scale;     // trade-scale index in [0,1]; drawn when omitted
  std::optional<double> labour_force;    // workers; drawn when omitted
  std::optional<double> wage_cny;        // monthly wage at the start, CNY; drawn when omitted
  std::optional<double> firm_weight;     // relative number of manufacturing firms; drawn when omitted
  double productivity = 1.0;             // city productivity (TFP) relative to the national mean; divides firms' unit cost
  bool synthetic = false;                // generated, or an attribute drawn; set when the scenario is resolved
};

struct CityAttributeDistributions {
  std::uint64_t seed = 20150307;       // seed for drawn attributes (fixed across run seeds)
  double coastal_index_bonus = 0.15;   // added to the indices of coastal cities
  double east_index_bonus = 0.10;      // added to the indices of eastern cities
  double index_sd = 0.12;              // sd of the indices around their regional mean
  double labour_force_median = 2.5e6;  // median labour force of a city
  double labour_force_sigma = 0.6;     // lognormal sigma of the labour force
  double wage_cny_east = 3400.0;       // mean monthly wage in 2012, east
  double wage_cny_other = 2700.0;      // mean monthly wage in 2012, elsewhere
};

struct SyntheticCities {
  int count = 0;                       // synthetic cities appended after the list
  std::string name_prefix = "city";    // names are prefix-1, prefix-2, ...
  double coastal_share = 0.3;          // share drawn as coastal
  std::vector<double> region_shares = {0.4, 0.3, 0.2, 0.1};  // east, central, west, northeast
};

struct CitiesConfig {
  double inland_cost_general = 0.03;   // extra ad-valorem cost of general trade from inland cities (haulage to ports)
  double inland_cost_cbec = 0.08;      // extra ad-valorem cost of CBEC parcels from inland cities (to air and sea hubs)
  std::vector<CitySpec> list;          // explicit cities
  SyntheticCities synthetic;           // generated cities
  CityAttributeDistributions attributes;  // how omitted attributes are drawn
};

struct DestinationSpec {
  std::string name;                    // market name, unique
  double general_imports_usd = 1e9;    // monthly imports from China in 2015, national USD (anchors China's export path)
  double import_growth = 0.03;         // yearly growth of imports from China: the path China's import share follows
  double income_growth = 0.03;         // yearly growth of the destination's spending (nominal income, USD)
  double china_share = 0.2;            // China's share of the destination's offline imports of these goods at the start
  double online_shoppers = 1e8;        // people shopping online (the people consumer agents stand for)
  std::vector<double> online_share = {0.05, 0.15};  // e-commerce share of retail at run start and end (data, interpolated)
  double trade_cost_general = 0.12;    // ad-valorem cost of general trade (freight, tariffs)
  double trade_cost_cbec = 0.25;       // ad-valorem cost of CBEC parcels (postage, duties, clearance)
  double delivery_days_parcel = 14.0;  // parcel delivery time without clearance improvements
  double delivery_days_warehouse = 3.0;  // delivery time from an overseas warehouse
  double platform_penetration = 0.25;  // share of non-Chinese online spending that goes through the platforms listing Chinese sellers
  double awareness_start = 0.05;       // share of shoppers aware of Chinese sellers at the start
  double outside_utility = 9.3;        // utility of non-Chinese online sellers against the Chinese CBEC nest
};

struct SectorSpec {
  std::string name;                    // product category, unique
  double trade_elasticity = 4.0;       // trade elasticity theta = sigma - 1 (Simonovska & Waugh), sigma the elasticity of substitution
  double spending_share = 0.2;         // share of each destination's spending
  double logistics_cost = 0.05;        // logistics cost per value shipped
  double quality_sigma = 0.3;          // lognormal sigma of product quality
  double domestic_sales_cny = 2e11;    // monthly domestic demand for the category, national CNY
};

struct FirmsConfig {
  int count = 20000;                                   // firm agents at the start
  ProductivityDistribution productivity = ProductivityDistribution::lognormal;  // distribution
  double productivity_sigma = 0.5;                     // lognormal sigma
  double pareto_shape = 4.0;                           // Pareto shape (when pareto)
  double productivity_growth_year = 0.07;              // yearly productivity growth of every firm (trend)
  double labour_cost_share = 0.2;                      // share of variable cost paid as wages (the rest: intermediate inputs)
  double home_market_share = 0.3;                      // the firms' share of their domestic category demand at the start
  double exporter_share = 0.25;                        // share of firms exporting via general trade at the start
  double cbec_share = 0.01;                            // share of firms selling via CBEC at the start
  double trader_share = 0.2;                           // share of trading companies (export goods made elsewhere)
  double employees_median = 20.0;                      // employees of a median firm at the start
  double startup_cash_months = 3.0;                    // cash at birth, months of wage bill
  double credit_line_months = 2.0;                     // credit line, months of revenue
  double interest_rate_year = 0.06;                    // yearly interest on credit
  double sunk_cost_general_cny = 300000.0;             // sunk cost of entering a destination by general trade
  double sunk_cost_cbec_cny = 120000.0;                // sunk cost of entering a destination by CBEC
  double fixed_cost_general_cny = 20000.0;             // monthly fixed cost per general-trade destination
  double fixed_cost_cbec_cny = 12000.0;                // monthly fixed cost per CBEC destination (store, compliance)
  double compliance_cost_per_product_cny = 800.0;      // monthly cost per listed product
  double entry_consideration_rate = 0.08;              // monthly chance a firm reconsiders each market
  double decision_noise = 0.5;                         // logit scale of entry and exit decisions (bounded rationality)
  double signal_noise = 0.4;                           // sd of the log error in a firm's profit expectation
  double horizon_months = 24.0;                        // months of expected profit weighed against the sunk cost
  double working_capital_months_general = 2.5;         // cash cycle of general trade (production to payment)
  double working_capital_months_cbec = 1.5;            // cash cycle of CBEC parcels
  double working_capital_months_warehouse = 4.0;       // cash cycle via overseas warehouses
  double warehouse_cost_cny = 30000.0;                 // monthly cost of overseas-warehouse fulfilment per store (inbound handling)
  double warehouse_cost_per_product_cny = 1200.0;      // monthly warehouse cost per listed product (storage)
  double warehouse_cost_share = 0.02;                  // warehouse cost per value shipped (stock storage, unsold-stock risk)
  double revenue_per_product_usd = 3000.0;             // monthly CBEC sales that justify one more listed product
  int max_products = 200;                              // most products a firm lists per market
  double death_rate = 0.004;                           // monthly exogenous exit hazard
  int loss_months_to_exit = 9;                         // consecutive loss months after which a firm closes
  double birth_rate = 0.008;                           // monthly births per living firm in an average city
  double birth_profit_response = 0.5;                  // elasticity of births to local profitability
  double relocation_rate = 0.002;                      // monthly chance a CBEC firm reviews its location
  double relocation_cost_months = 4.0;                 // moving cost, months of wage bill
  double hiring_speed = 0.5;                           // share of the employment gap closed per month
  double layoff_speed = 0.3;                           // share of excess workers laid off per month
  double corporate_tax = 0.25;                         // corporate income tax rate
};

struct ConsumersConfig {
  int agents_per_destination = 20000;   // consumer agents per destination (each stands for many people)
  double innovation = 0.001;            // Bass innovation: monthly spontaneous awareness
  double imitation = 0.008;             // Bass imitation: awareness from aware share
  double shopping_rate = 0.35;          // monthly chance an aware shopper buys cross-border online
  int consideration_set = 8;            // listings drawn from the platform per shopping trip
  double nest_dissimilarity = 0.7;      // nested-logit parameter of the Chinese-seller nest
  double quality_weight = 1.0;          // weight on log quality (times the trade elasticity)
  double delivery_day_cost = 0.06;      // utility lost per day of delivery
  double reputation_weight = 1.5;       // utility of full reputation
  double cannibalisation = 0.3;         // share of CBEC spending taken from the destination's imports of the category (the rest from other spending)
  double competitor_response = 0.15;    // monthly partial adjustment of foreign competitors toward China's import-share path
  double choke_price_ratio = 20.0;      // buyers ignore offers above this multiple of the category's reference price
};

struct ImportSideConfig {
  int agents_per_city = 500;            // Chinese shopper agents per city
  double online_shopper_share = 0.35;   // share of the labour force shopping online
  double adopted_start = 0.07;          // share of online shoppers buying abroad at the start
  double innovation = 0.008;            // Bass innovation
  double imitation = 0.005;             // Bass imitation
  double shopping_rate = 0.43;          // monthly chance an adopter buys abroad
  double basket_usd = 70.0;             // spend per purchase, USD
  double pilot_adoption_boost = 0.3;    // relative adoption gain where bonded (1210) imports exist
};

struct PlatformConfig {
  double commission = 0.15;             // referral fee on CBEC sales
  double monthly_fee_usd = 39.99;       // monthly seller fee per store (destination)
  double newcomer_boost = 1.0;          // extra visibility of a new listing
  double newcomer_months = 6.0;         // months the newcomer boost takes to fade (e-folding)
  double reputation_visibility = 2.0;   // visibility gain from full reputation
  double warehouse_visibility = 0.5;    // visibility gain from platform logistics (fast delivery)
  double reputation_speed = 0.08;       // monthly convergence of reputation toward quality
  double suspension_rate = 0.01;        // monthly account-suspension hazard of a Chinese seller
  bool logistics_service = true;        // platform logistics (warehouses) open to small sellers
};

struct LabourConfig {
  double vacancy_fill_rate = 0.25;      // share of a city's unemployed that can be hired per month
  double wage_trend_year = 0.06;        // nominal wage growth per year at normal tightness
  double wage_tightness_response = 0.001;  // monthly relative wage change per point of employment rate above normal
  double wage_fall_max_year = 0.04;     // largest fall of a city's nominal wage in a year (downward nominal rigidity)
  double normal_employment_rate = 0.95; // employment rate at which wages follow the trend
  double other_wage_elasticity = 1.0;   // response of that employment to the local wage
  double services_jobs_per_kparcel = 0.8;  // logistics and service jobs per thousand parcels a month
  double parcel_value_usd = 25.0;       // average value of a CBEC parcel
  double migration_rate = 0.002;        // monthly migration response to wage and employment gaps
  double hukou_friction = 0.6;          // share of migration blocked by household registration
  double rural_inflow = 0.0008;         // monthly inflow from the rural pool per worker, at normal tightness
};

struct InstrumentSpec {
  double strength = 1.0;                // strength in [0,1]
  int ramp_months = 12;                 // months from approval to full strength
};

struct InstrumentEffects {
  double credit_line_boost = 1.0;       // financial: relative credit-line increase at full strength
  double interest_cut = 0.3;            // financial: relative cut in interest rate
  double cash_cycle_cut = 0.3;          // financial: relative cut in working-capital months (faster rebates)
  double clearance_days_cut = 4.0;      // information: days saved in clearance
  double clearance_cost_cut = 0.3;      // information: relative cut in CBEC trade cost
  double inland_cost_cut = 0.75;        // information: relative cut in inland haulage cost (local clearance hubs)
  double signal_noise_cut = 0.5;        // information: relative cut in expectation noise
  double compliance_cost_cut = 0.5;     // information: relative cut in per-product compliance cost
  double entry_cost_cut = 0.5;          // administration: relative cut in CBEC sunk and fixed costs
  double birth_boost = 0.2;             // administration: relative increase in firm births
  double suspension_cut = 0.6;          // enforcement: relative cut in suspension hazard
  double reputation_boost = 0.5;        // enforcement: relative increase in reputation speed
};

struct ZoneEntry {
  std::string city;                     // a city in cities
  Month approval;                       // approval month
};

struct FiscalConfig {
  bool tax_rules = true;                // zone tax rules and the 9710 reward apply (false: zone status without them)
  double vat_rate = 0.13;               // VAT rate forgone on exports without purchase invoices
  double no_invoice_share = 0.3;        // share of zone CBEC exports lacking purchase invoices
  double deemed_margin = 0.04;          // deemed profit margin taxed in zones
  double running_cost_cny = 2e6;        // monthly running cost of one zone (local government)
  double vat_central_share = 0.5;       // central government's share of VAT
  double income_tax_central_share = 0.6;  // central government's share of income tax
  double warehouse_retail_share = 0.0;  // share of warehouse (9810) shipments the zone tax rules treat as retail exports
  double b2b_online_share = 0.05;       // share of general-trade exports concluded on B2B platforms (eligible for 9710)
  double declaration_subsidy = 0.005;   // zone reward per value declared under 9710, share (local government)
  double relabel_cost_cny = 10000.0;    // monthly cost of declaring eligible exports under 9710 (platform registration, lists)
  Month vat_exemption_start = Month::of(2018, 10);   // VAT exemption without invoices in zones (Caishui [2018] No. 103)
  Month deemed_margin_start = Month::of(2020, 1);    // deemed-margin income tax in zones (SAT Announcement [2019] No. 36)
};

struct ZonesConfig {
  ZoneSelection selection = ZoneSelection::none;  // how zone cities are chosen
  std::vector<ZoneEntry> list;           // zones by explicit list (selection: list)
  int top_k = 0;                         // zones picked by a rule (top_k, inland_first, all_at_once)
  Month rule_start = Month::of(2016, 1); // approval month of the first rule-picked zones
  int rule_batch_size = 1;               // rule-picked zones approved together (top_k, inland_first)
  int rule_interval_months = 2;          // months between rule-picked batches (top_k, inland_first)
  std::array<InstrumentSpec, kInstrumentCount> instruments;  // by Instrument (kInstrumentNames)
  InstrumentEffects effects;             // what full strength does
  double initial_effectiveness = 0.5;    // effectiveness of a follower zone at approval
  double learning_months = 24.0;         // e-folding months for followers to reach the leader
  FiscalConfig fiscal;                   // fiscal accounting
  const InstrumentSpec& instrument(Instrument k) const { return instruments[static_cast<std::size_t>(k)]; }
  InstrumentSpec& instrument(Instrument k) { return instruments[static_cast<std::size_t>(k)]; }
};

struct EventSpec {
  EventKind kind = EventKind::trade_cost;  // what happens
  Month start;                             // first month in force
  std::optional<Month> end;                // last month in force (open when omitted)
  std::string destination = "all";         // destination it touches, or all
  Channel channel = kCbec;                 // channel it touches (trade_cost)
  Instrument instrument = Instrument::information;  // instrument (national_floor)
  std::vector<std::string> cities;         // cities (import_pilot); empty means all
  double value = 0.0;                      // size: cost change, demand multiplier, level or hazard multiplier
  double online_value = 1.0;               // demand_shock: multiplier on online demand
  std::string source;                      // where the measure is documented
};

struct RatePoint {
  int year = 2015;       // calendar year
  double value = 6.2;    // CNY per USD, yearly average
};

struct OutputsConfig {
  int snapshot_every = 0;   // months between agent snapshots; 0 is off
  int compression = 4;      // deflate level 0-9
};

struct Scenario {
  std::string description;          // what this scenario is for
  std::string calibration;          // the calibration that estimated some of its parameters (pzsim calibrate writes it); empty: priors and values set by hand only
  RunConfig run;                    // window and seed
  ScaleConfig scale;                // sample scaling
  CitiesConfig cities;              // places
  std::vector<DestinationSpec> destinations;  // overseas markets
  std::vector<SectorSpec> sectors;  // product categories
  FirmsConfig firms;                // exporters and potential entrants
  ConsumersConfig consumers;        // overseas buyers
  ImportSideConfig import_side;     // Chinese cross-border shoppers
  PlatformConfig platform;          // the marketplace
  LabourConfig labour;              // city labour markets
  ZonesConfig zones;                // pilot zones and their instruments
  std::vector<EventSpec> timeline;  // national measures and shocks
  std::vector<RatePoint> exchange_rate;  // CNY per USD by year
  OutputsConfig outputs;            // what is written

  Scenario();  // fills the default destinations, sectors, cities, timeline and exchange rates
};

}  // namespace pzsim
