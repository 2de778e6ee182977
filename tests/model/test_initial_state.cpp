// initial_state (state.cpp): the founding firms. Exporters are the exporter_share most
// productive firms of every sector; firms and the cities trading companies buy from are placed
// largest first so that each city starts with its firm-weight share of expected sales,
// (quality * productivity)^(sigma - 1) as a share of the sector's total times its spending share.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sim/model/state.hpp"
#include "sim/model/world.hpp"
#include "model_fixtures.hpp"

using namespace pzsim;
using pzsim::testing::small_scenario;

namespace {

// Expected sales of each firm as the placement defines them.
std::vector<double> expected_sales(const World& w, const FirmStore& f) {
  const Scenario& sc = *w.scenario;
  std::vector<double> sales(f.size()), total(static_cast<std::size_t>(w.sectors), 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    sales[i] = std::pow(f.quality[i] * f.productivity[i], 1.0 / (w.markup[f.sector[i]] - 1.0));  // sigma - 1
    total[f.sector[i]] += sales[i];
  }
  for (std::size_t i = 0; i < f.size(); ++i) sales[i] *= sc.sectors[f.sector[i]].spending_share / total[f.sector[i]];
  return sales;
}

}  // namespace

TEST_CASE("initial state: every sector has its exporter share of general-trade exporters", "[model]") {
  const auto loaded = small_scenario();
  const World w = build_world(loaded.scenario, 11);
  const State s = initial_state(w);
  std::vector<double> firms(static_cast<std::size_t>(w.sectors), 0.0), exporters(firms.size(), 0.0);
  for (std::size_t i = 0; i < s.firms.size(); ++i) {
    firms[s.firms.sector[i]] += 1.0;
    bool exports = false;
    for (int d = 0; d < w.destinations; ++d)
      exports = exports || s.firms.active[static_cast<std::size_t>(i * w.markets + d * kChannels + kGeneral)] != 0;
    exporters[s.firms.sector[i]] += exports ? 1.0 : 0.0;
  }
  for (std::size_t sec = 0; sec < firms.size(); ++sec) {
    INFO("sector " << loaded.scenario.sectors[sec].name);
    CHECK(exporters[sec] == std::round(loaded.scenario.firms.exporter_share * firms[sec]));
  }
}

TEST_CASE("initial state: each city starts with its firm-weight share of firms and of expected sales", "[model]") {
  const auto loaded = small_scenario();
  const World w = build_world(loaded.scenario, 11);
  const State s = initial_state(w);
  const std::vector<double> sales = expected_sales(w, s.firms);
  const std::size_t n_city = static_cast<std::size_t>(w.cities);
  std::vector<double> city_sales(n_city, 0.0), city_firms(n_city, 0.0), source_sales(n_city, 0.0);
  double total = 0.0, largest = 0.0, trader_total = 0.0;
  for (std::size_t i = 0; i < s.firms.size(); ++i) {
    city_sales[s.firms.city[i]] += sales[i];
    city_firms[s.firms.city[i]] += 1.0;
    total += sales[i];
    largest = std::max(largest, sales[i]);
    if (s.firms.trader[i]) {
      source_sales[s.firms.production_city[i]] += sales[i];
      trader_total += sales[i];
    } else {
      CHECK(s.firms.production_city[i] == s.firms.city[i]);
    }
  }
  const double n = static_cast<double>(s.firms.size());
  for (std::size_t c = 0; c < n_city; ++c) {
    INFO("city " << loaded.scenario.cities.list[c].name << ", largest firm " << largest / total);
    CHECK(std::abs(city_firms[c] - w.city_firm_share[c] * n) <= 1.0);
    // Off by at most the firms that no city's shortfall could hold: here none, so within 1%.
    CHECK(std::abs(city_sales[c] / total - w.city_firm_share[c]) <= 0.01);
    CHECK(std::abs(source_sales[c] / trader_total - w.city_firm_share[c]) <= 0.02);
  }
}
