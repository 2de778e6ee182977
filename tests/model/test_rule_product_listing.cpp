// product_listing.cpp: target n* = clamp(ceil(R_last / 3,000), 1, 200); listings grow by at
// most max(1, n/4) and shrink by one a month; warehouse when R_last >= 50,000 USD
// (x 0.25 = 12,500 with the platform's logistics service, the default).
#include <catch2/catch.hpp>

#include "rule_fixtures.hpp"

using namespace pzsim;
using namespace pzsim::testing;

namespace {

struct Store {
  int products;
  double revenue_last;
};

State stores(const World& w, const std::vector<Store>& list) {
  State s = blank_state(w, list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::size_t k = mk(w, i, 0, kCbec);
    s.firms.active[k] = 1;
    s.firms.products[k] = list[i].products;
    s.firms.revenue_usd_last[k] = list[i].revenue_last;
  }
  return s;
}

}  // namespace

TEST_CASE("product listing: growth by at most max(1, n/4), shrink by one, clamp to 1 and max_products", "[model][rules]") {
  const auto loaded = rule_scenario();
  const World w = build_world(loaded.scenario, 7);
  State s = stores(w, {
                          {8, 60000},    // target 20: 8 + 2 = 10
                          {2, 15000},    // target 5: 2 + max(1, 0) = 3
                          {0, 0},        // target 1 (no sales), current max(1, 0) = 1
                          {10, 9000},    // target 3: shrink to 9
                          {199, 1e7},    // target 200: min(200, 199 + 49)
                          {5, 15000},    // target exactly 5: unchanged
                          {40, 1e6},     // target 200 (334 clamped): 40 + 10
                      });
  // An inactive CBEC store and a general-trade market are left alone.
  const std::size_t idle = mk(w, 0, 1, kCbec), general = mk(w, 0, 0, kGeneral);
  s.firms.products[idle] = 3;
  s.firms.revenue_usd_last[idle] = 1e6;
  s.firms.active[general] = 1;
  s.firms.revenue_usd_last[general] = 1e6;
  list_products(w, s);
  const int expected[] = {10, 3, 1, 9, 200, 5, 50};
  for (std::size_t i = 0; i < 7; ++i) {
    INFO("store " << i);
    CHECK(s.firms.products[mk(w, i, 0, kCbec)] == expected[i]);
  }
  CHECK(s.firms.products[idle] == 3);
  CHECK(s.firms.warehouse[idle] == 0);
  CHECK(s.firms.products[general] == 0);
  CHECK(s.firms.warehouse[general] == 0);
}

TEST_CASE("product listing: warehouses above the threshold, a quarter of it with the logistics service", "[model][rules]") {
  const std::vector<Store> list = {{5, 12500}, {5, 12499.99}, {5, 49999}, {5, 50000}, {5, 0}};
  {
    const auto loaded = rule_scenario();
    const World w = build_world(loaded.scenario, 7);
    State s = stores(w, list);
    s.firms.warehouse[mk(w, 4, 0, kCbec)] = 1;  // a warehouse is dropped when sales fall
    list_products(w, s);
    const int expected[] = {1, 0, 1, 1, 0};
    for (std::size_t i = 0; i < list.size(); ++i) CHECK(s.firms.warehouse[mk(w, i, 0, kCbec)] == expected[i]);
  }
  {
    const auto loaded = rule_scenario({"platform.logistics_service=false"});
    const World w = build_world(loaded.scenario, 7);
    State s = stores(w, list);
    list_products(w, s);
    const int expected[] = {0, 0, 0, 1, 0};
    for (std::size_t i = 0; i < list.size(); ++i) CHECK(s.firms.warehouse[mk(w, i, 0, kCbec)] == expected[i]);
  }
}
