// firm_exit.cpp: a firm closes if insolvent, after loss_months_to_exit (9) loss months, or with
// probability death_rate (1 + 2 exp(-age / 24)); slots are compacted in id order
// (FirmStore::erase_slots, tested here too).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

TEST_CASE("firm exit: insolvent and long loss-making firms close, and their workers, cash and credit are booked", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.death_rate=0"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 4);
  FirmStore& f = s.firms;
  const std::uint64_t ids[4] = {10, 11, 12, 13};
  const std::uint32_t cities[4] = {kA, kC, kA, kC};
  const std::int32_t employees[4] = {5, 7, 3, 4};
  for (std::size_t i = 0; i < 4; ++i) {
    f.id[i] = ids[i];
    f.city[i] = f.production_city[i] = cities[i];
    f.employees[i] = employees[i];
    f.age_months[i] = 100;
  }
  f.insolvent[1] = 1, f.cash_cny[1] = -500, f.credit_cny[1] = 2000;
  f.loss_months[2] = 9, f.cash_cny[2] = 250;
  f.loss_months[3] = 8;  // one month short: survives
  f.cash_cny[0] = 100;
  const std::size_t k = mk(w, 3, 1, kCbec);
  f.active[k] = 1, f.products[k] = 6, f.reputation[k] = 0.4, f.revenue_usd_last[k] = 123, f.expected_profit_cny[k] = -7;
  f.quality[3] = 2.5;
  s.cities.firm_jobs = {8, 0, 11, 0};
  s.step = 12;
  MonthOutputs out = fresh_outputs(w);
  close_firms(w, s, out);
  REQUIRE(f.size() == 2);
  CHECK(f.id[0] == 10);
  CHECK(f.id[1] == 13);
  CHECK(f.city[1] == kC);
  CHECK(f.employees[1] == 4);
  CHECK(f.quality[1] == 2.5);
  const std::size_t moved = mk(w, 1, 1, kCbec);
  CHECK(f.active[moved] == 1);
  CHECK(f.products[moved] == 6);
  CHECK(f.reputation[moved] == 0.4);
  CHECK(f.revenue_usd_last[moved] == 123);
  CHECK(f.expected_profit_cny[moved] == -7);
  CHECK(f.active.size() == 2 * static_cast<std::size_t>(w.markets));
  CHECK(out.firm_deaths[kA] == 1);
  CHECK(out.firm_deaths[kC] == 1);
  CHECK(s.cities.firm_jobs[kA] == 5);
  CHECK(s.cities.firm_jobs[kC] == 4);
  CHECK(out.jobs_destroyed[kA] == 3);
  CHECK(out.jobs_destroyed[kC] == 7);
  CHECK(flow(out, kFirms, kHouseholds) == Approx(-500 + 250));
  CHECK(out.credit_written_off_cny == Approx(2000));
}

TEST_CASE("firm exit: a death rate of one closes every firm", "[model][rules]") {
  const auto loaded = rule_scenario({"firms.death_rate=1"});
  const World w = build_world(loaded.scenario, 7);
  State s = blank_state(w, 5);
  for (std::size_t i = 0; i < 5; ++i) s.firms.age_months[i] = 1000, s.firms.city[i] = kB, s.firms.employees[i] = 1;
  s.cities.firm_jobs[kB] = 5;
  MonthOutputs out = fresh_outputs(w);
  close_firms(w, s, out);
  CHECK(s.firms.size() == 0);
  CHECK(out.firm_deaths[kB] == 5);
  CHECK(s.cities.firm_jobs[kB] == 0);
}

TEST_CASE("firm exit: the exogenous hazard is death_rate times 1 + 2 exp(-age/24)", "[model][rules]") {
  // 100,000 newborns (hazard 0.03) and 100,000 firms aged 24 months (0.01 (1 + 2/e) = 0.01736).
  // Tolerances 0.0025 and 0.002 on the closing shares (about 4.5 standard errors: 0.00054, 0.00041).
  const auto loaded = rule_scenario({"firms.death_rate=0.01"});
  const World w = build_world(loaded.scenario, 7);
  const std::size_t n = 100000;
  State s = blank_state(w, 2 * n);
  for (std::size_t i = 0; i < 2 * n; ++i) {
    s.firms.city[i] = i < n ? kA : kC;
    s.firms.age_months[i] = i < n ? 0 : 24;
  }
  s.step = 5;
  MonthOutputs out = fresh_outputs(w);
  close_firms(w, s, out);
  const double young = static_cast<double>(out.firm_deaths[kA]) / n;
  const double older = static_cast<double>(out.firm_deaths[kC]) / n;
  INFO("young " << young << ", 24 months " << older);
  CHECK(std::abs(young - 0.03) < 0.0025);
  CHECK(std::abs(older - 0.01 * (1 + 2 * std::exp(-1.0))) < 0.002);
  // Survivors keep id order.
  bool ordered = true;
  for (std::size_t i = 1; i < s.firms.size(); ++i) ordered = ordered && s.firms.id[i - 1] < s.firms.id[i];
  CHECK(ordered);
}

TEST_CASE("firm store: erase_slots keeps the survivors in slot order in every column and gives memory back", "[model][rules]") {
  constexpr int markets = 6;  // three destinations: per-destination columns are 3 wide, per-market 6
  const std::size_t n = 3000;
  FirmStore f;
  f.resize(n, markets);
  // Each cell holds its index (mod 251 in byte columns), so every moved cell shows where it came from.
  const auto value_of = [](auto& column, std::size_t cell) {
    using T = typename std::remove_reference_t<decltype(column)>::value_type;
    return sizeof(T) == 1 ? static_cast<T>(cell % 251) : static_cast<T>(cell);
  };
  f.for_each_column([&](auto& column, Cells) {
    for (std::size_t j = 0; j < column.size(); ++j) column[j] = value_of(column, j);
  });
  // Most slots close (the store then holds far more than it needs), including the first and last.
  std::vector<std::uint8_t> closes(n, 0);
  std::vector<std::size_t> survivors;
  for (std::size_t i = 0; i < n; ++i) {
    closes[i] = i == 0 || i == n - 1 || RandomStream(3, Stream::kTest, 0, i).uniform() < 0.7 ? 1 : 0;
    if (!closes[i]) survivors.push_back(i);
  }
  REQUIRE(survivors.size() > 600);
  f.erase_slots(closes, markets);
  REQUIRE(f.size() == survivors.size());
  std::size_t columns = 0, wrong = 0;
  f.for_each_column([&](auto& column, Cells cells) {
    ++columns;
    const std::size_t width = cells_per_firm(cells, markets);
    CHECK(column.size() == survivors.size() * width);
    for (std::size_t r = 0; r < survivors.size(); ++r)
      for (std::size_t m = 0; m < width; ++m)
        wrong += column[r * width + m] == value_of(column, survivors[r] * width + m) ? 0 : 1;
  });
  CHECK(columns > 20);
  CHECK(wrong == 0);
  CHECK(f.general_appeal.size() == survivors.size() * 3);
  CHECK(f.revenue_usd.size() == survivors.size() * markets);
  // Memory given back, with an eighth to spare for births.
  CHECK(f.id.capacity() >= survivors.size());
  CHECK(f.id.capacity() <= survivors.size() + survivors.size() / 8);
  CHECK(f.reputation.capacity() <= (survivors.size() + survivors.size() / 8) * markets);
  // Nothing closing changes nothing.
  const std::size_t capacity = f.id.capacity();
  f.erase_slots(std::vector<std::uint8_t>(f.size(), 0), markets);
  CHECK(f.size() == survivors.size());
  CHECK(f.id.capacity() == capacity);
  CHECK(f.id[0] == survivors[0]);
}
