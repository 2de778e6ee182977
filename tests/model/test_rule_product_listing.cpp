// product_listing.cpp: target n* = clamp(ceil(R_last / 3,000), 1, 200); listings grow by at
// most max(1, n/4) and shrink by one a month; warehouse when it earns more than parcels at last
// month's sales (factory revenue F = R_last x 6.5 / wedge, wedge 1 here):
//   profit(parcel)    = F (1 - 1/mu) - F / mu x 1.5 x 0.005
//   profit(warehouse) = F_w (1 - 1/mu) - F_w / mu x 4 x 0.005 - 0.02 F_w - s (30,000 + 1,200 n)
//   F_w = F (L_w / L_p)^(-sigma), L = 1 + logistics cost x (1.2 warehouse, 2 parcels),
//   s = 0.25 with the platform's logistics service (default), 1 without.
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

TEST_CASE("product listing: warehouses when they earn more than parcels, by size and product", "[model][rules]") {
  // Toys (sigma 4, logistics 0.05): F_w = F (1.06 / 1.10)^-4 = 1.15962 F, and the warehouse
  // earns 0.004943 F - C more; tools (sigma 3, logistics 0.10): F_w = (1.12 / 1.20)^-3 F =
  // 1.23024 F, 0.04073 F - C more. Every store below grows to n = 6 products first, so
  // C = 0.25 (30,000 + 7,200) = 9,300 CNY: toys break even at R = 9,300 / 0.004943 / 6.5 =
  // 289,500 USD a month, tools at 35,100 USD. Without the logistics service C = 37,200:
  // toys at 1.158m USD, tools at 140,500 USD.
  struct Case {
    int sector;
    double revenue_last;
    int warehouse_now;
  };
  const std::vector<Case> cases = {
      {0, 300000, 0},  // big toy store: warehouse
      {0, 280000, 0},  // a little below break-even: parcels
      {0, 50000, 0},   // small toy store: parcels
      {1, 50000, 0},   // tools store of the same size: bulky, warehouse
      {1, 30000, 1},   // small tools store drops its warehouse
      {1, 200000, 0},  // tools, 200,000 USD
      {0, 0, 1},       // no sales: never a warehouse
  };
  auto run = [&](const std::vector<std::string>& overrides) {
    const auto loaded = rule_scenario(overrides);
    const World w = build_world(loaded.scenario, 7);
    State s = blank_state(w, cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const std::size_t k = mk(w, i, 0, kCbec);
      s.firms.sector[i] = static_cast<std::uint16_t>(cases[i].sector);
      s.firms.active[k] = 1, s.firms.products[k] = 5, s.firms.revenue_usd_last[k] = cases[i].revenue_last;
      s.firms.warehouse[k] = static_cast<std::uint8_t>(cases[i].warehouse_now);
    }
    list_products(w, s);
    std::vector<int> chosen;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      CHECK(s.firms.products[mk(w, i, 0, kCbec)] == (cases[i].revenue_last > 0 ? 6 : 4));
      chosen.push_back(s.firms.warehouse[mk(w, i, 0, kCbec)]);
    }
    return chosen;
  };
  CHECK(run({}) == std::vector<int>{1, 0, 0, 1, 0, 1, 0});
  CHECK(run({"platform.logistics_service=false"}) == std::vector<int>{0, 0, 0, 0, 0, 1, 0});
  // A costlier stock (warehouse_cost_share 0.05) sends the big toy store back to parcels.
  CHECK(run({"firms.warehouse_cost_share=0.05"})[0] == 0);
}
