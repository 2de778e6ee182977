#pragma once
// One month of results, in the shapes written to the output file. Every variable is listed
// once in output_catalog() with its dimensions, units and meaning; the HDF5 writer and
// docs/outputs.md both come from that list.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sim/model/world.hpp"

namespace pzsim {

struct MonthOutputs {
  // [city * sectors * channels + sector * channels + channel]
  std::vector<double> exports_usd;
  std::vector<double> exports_volume;             // [city * channels + channel]
  std::vector<double> exports_by_destination_usd; // [destination * channels + channel]
  std::vector<double> exports_declared_usd;       // [city * customs codes + code]
  std::vector<double> exports_cbec_recorded_usd;  // [city]
  std::vector<double> avg_delivered_price_usd;    // [city * channels + channel]
  std::vector<std::int64_t> exporters;            // [city * channels + channel]
  std::vector<std::int64_t> products_listed;      // [city]
  std::vector<std::int64_t> employment;           // [city]
  std::vector<std::int64_t> firm_employment;      // [city]
  std::vector<std::int64_t> services_jobs;        // [city]
  std::vector<std::int64_t> supplier_jobs;        // [city]
  std::vector<std::int64_t> other_jobs;           // [city]
  std::vector<std::int64_t> jobs_created;         // [city]
  std::vector<std::int64_t> jobs_destroyed;       // [city]
  std::vector<std::int64_t> firms_alive;          // [city]
  std::vector<std::int64_t> firm_births;          // [city]
  std::vector<std::int64_t> firm_deaths;          // [city]
  std::vector<std::int64_t> relocations_in;       // [city]
  std::vector<std::int64_t> relocations_out;      // [city]
  std::vector<std::int64_t> market_entries;       // [city * channels + channel]
  std::vector<std::int64_t> market_exits;         // [city * channels + channel]
  std::vector<std::int64_t> entries_blocked;      // [city * channels + channel]
  std::vector<double> parcel_delivery_days;       // [city], sales-weighted mean
  std::vector<double> labour_force;               // [city]
  std::vector<double> net_migration;              // [city], workers, this month
  std::vector<double> rural_inflow;               // [city], workers, this month
  std::vector<double> wage_cny;                   // [city]
  std::vector<double> domestic_sales_cny;         // [city]
  std::vector<double> cbec_imports_usd;           // [city]
  std::vector<double> import_shoppers_adopted;    // [city], people
  std::vector<std::uint8_t> zone_active;          // [city]
  std::vector<double> instrument_level;           // [city * instruments + instrument]
  std::vector<double> fiscal_cost_usd;            // [city]
  std::vector<double> fiscal_cost_central_usd;    // [city]
  std::vector<double> fiscal_cost_local_usd;      // [city]
  std::vector<double> forgone_vat_usd;            // [city]
  std::vector<double> forgone_income_tax_usd;     // [city]
  std::vector<double> tax_revenue_usd;            // [city]
  std::vector<double> platform_sales_usd;         // [destination], paid by buyers
  std::vector<double> platform_commission_usd;    // [destination]
  std::vector<double> platform_sales_other_usd;   // [destination], non-Chinese sellers on the same platforms
  std::vector<double> import_spending_usd;        // [destination], imports of the categories, every origin and channel
  std::vector<double> seller_revenue_usd;         // [destination], received by sellers
  std::vector<double> consumers_adopted;          // [destination], people aware of Chinese sellers
  std::vector<double> purchases;                  // [destination], purchases from Chinese sellers
  std::vector<double> transactions_cny;           // [payer * sectors + payee]
  double cny_per_usd = 0.0;
  double firm_cash_cny = 0.0;                     // end of month
  double credit_outstanding_cny = 0.0;            // end of month
  double credit_written_off_cny = 0.0;            // this month

  void reset(const World& world);  // sizes every array for the world and zeroes it
  void record_flow(int payer, int payee, double amount_cny) {
    transactions_cny[static_cast<std::size_t>(payer * kAccountSectors + payee)] += amount_cny;
  }
};

enum class OutputType { f64, i64, u8 };

// How a monthly value relates to its month (CF cell_methods along time).
enum class OutputKind {
  flow,          // an amount during the month: sum over time for a period (cell_methods "time: sum")
  stock,         // a level at the end of the month (or a rate, price or status): never sum over time
  monthly_mean,  // a mean over the month's sales (cell_methods "time: mean"): never sum over time
};

// One output variable: how to name, describe and read it. Units follow CF-1.8: `units` is a
// UDUNITS string ("1" for counts, shares and money, "day"); money says its currency in
// `currency` (ISO 4217), since UDUNITS has no currencies.
struct OutputVariable {
  std::string name;
  std::vector<std::string> dims;    // without the leading time dimension
  OutputType type = OutputType::f64;
  std::string units;                // UDUNITS; empty for flags (no units attribute)
  std::string currency;             // "USD", "CNY", "CNY/USD" (CNY per USD) or empty
  std::string long_name;
  std::string description;          // how it is computed (Markdown code spans allowed)
  OutputKind kind = OutputKind::stock;
  bool sample_units = false;        // counts and amounts in sample units: divide by sample_fraction
  std::string section;              // heading it is listed under in docs/outputs.md
  std::string cell_methods;         // CF cell_methods (from kind, with the mean's weights); empty for stocks
  std::vector<std::string> flag_meanings;  // flags: meaning of the values 0, 1, ... (CF flag_meanings)
  std::function<std::span<const double>(const MonthOutputs&)> f64;
  std::function<std::span<const std::int64_t>(const MonthOutputs&)> i64;
  std::function<std::span<const std::uint8_t>(const MonthOutputs&)> u8;
};

// The sentence the file's description attribute adds to variables in sample units.
inline constexpr const char* kSampleUnitsNote =
    "In sample units: divide by the root attribute sample_fraction for national totals.";

const std::vector<OutputVariable>& output_catalog();

}  // namespace pzsim
