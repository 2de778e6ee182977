#pragma once
// What a run knows before its first step: the scenario turned into arrays the rules read
// (cities, sectors, destinations), the zone schedule, and the dated conditions of every
// month (exchange rate, trade costs, shocks, national floors). Built once, read-only after.
#include <array>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/scenario/scenario.hpp"

namespace pzsim {

// Real channels (Channel, kChannels, kChannelNames) and instruments are tables in
// sim/scenario/scenario.hpp.

// Customs codes a sale can be declared under (declared, not real, channel).
enum CustomsCode : int { kCode0110 = 0, kCode9610 = 1, kCode9710 = 2, kCode9810 = 3 };
inline constexpr int kCustomsCodes = 4;
inline constexpr std::array<const char*, kCustomsCodes> kCustomsCodeNames = {"0110", "9610", "9710", "9810"};

// Sectors of the transaction matrix (stock-flow accounts).
enum AccountSector : int { kFirms = 0, kHouseholds, kBanks, kCentralGov, kLocalGov, kPlatforms, kRestOfWorld };
inline constexpr int kAccountSectors = 7;
inline constexpr std::array<const char*, kAccountSectors> kAccountSectorNames = {
    "firms", "households", "banks", "central_government", "local_government", "platforms", "rest_of_world"};

// Conditions of one month shared by a policy run and its counterfactual.
struct MonthConditions {
  double cny_per_usd = 6.2;                 // exchange rate
  std::vector<double> trade_cost;           // [destination * kChannels + channel], ad valorem
  std::vector<double> offline_multiplier;   // [destination], general-trade demand shock
  std::vector<double> online_multiplier;    // [destination], online demand shock
  std::vector<double> online_share_ratio;   // [destination], online share relative to the run start
  std::vector<double> cbec_price_factor;    // [destination], multiplies Chinese sellers' delivered CBEC prices
  std::array<double, kInstrumentCount> national_floor{};  // instrument levels every city has
  std::vector<std::uint8_t> import_pilot;   // [city], bonded (1210) imports available
  double onboarding = 0.0;                  // platform onboarding campaign strength
  double suspension_multiplier = 1.0;       // platform suspension wave
  bool customs_codes = false;               // 9710/9810 exist and count as CBEC
  double years_since_start = 0.0;           // for trends
  double productivity_trend = 1.0;          // (1 + productivity_growth_year)^years_since_start
};

struct World {
  const Scenario* scenario = nullptr;       // the validated scenario (outlives the run)
  std::uint64_t seed = 0;                   // run seed
  Clock clock;
  int cities = 0, destinations = 0, sectors = 0, markets = 0;
  std::vector<double> sigma;                // [sector] elasticity of substitution = trade elasticity + 1
  std::vector<double> markup;               // [sector] sigma/(sigma-1)
  std::vector<int> zone_approval_step;      // [city] step the zone is approved, INT_MAX when never
  int leader_city = -1;                     // first approved zone (the model others copy)
  std::vector<double> city_firm_share;      // [city] share of firms located there at the start
  std::vector<std::uint8_t> coastal;        // [city] coastal flag
  std::vector<double> city_productivity;    // [city] city productivity (TFP) relative to the national mean
  std::vector<MonthConditions> months;      // [step]

  int burn_in = 0;                          // steps -burn_in..-1 run under month 0's conditions
  // Conditions of a step; burn-in steps (negative) see the first month's.
  const MonthConditions& at(int step) const { return months[static_cast<std::size_t>(step < 0 ? 0 : step)]; }
  bool is_zone(int city, int step) const { return zone_approval_step[static_cast<std::size_t>(city)] <= step; }
};

// Builds the world of a run. Zone selection rules (top_k, inland_first, all_at_once) are
// resolved here from city attributes, deterministically.
World build_world(const Scenario& scenario, std::uint64_t seed);

// Zone cities and their approval months as chosen by the scenario's selection.
std::vector<std::pair<int, Month>> select_zones(const Scenario& scenario);

}  // namespace pzsim
