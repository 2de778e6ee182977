#pragma once
// Small formulas several rules share: trend productivity, delivered prices, the cost
// wedges of each channel and how zone instruments move them. One definition each, so the
// rules that price, decide and book never disagree. Equations: docs/model.md.
#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/model/state.hpp"

namespace pzsim::econ {

inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-std::clamp(x, -40.0, 40.0))); }

inline const Scenario& sc(const World& w) { return *w.scenario; }

inline std::size_t market_index(const World& w, std::size_t slot, int market) {
  return slot * static_cast<std::size_t>(w.markets) + static_cast<std::size_t>(market);
}

// Cell of firm `slot`'s destination in the per-destination arrays (FirmStore, Cells::destination).
inline std::size_t destination_index(const World& w, std::size_t slot, int destination) {
  return slot * static_cast<std::size_t>(w.destinations) + static_cast<std::size_t>(destination);
}

// Productivity including the common trend.
inline double productivity(const World& w, const FirmStore& f, std::size_t i, int step) {
  return f.productivity[i] * w.at(step).productivity_trend;
}

// Instrument level of a firm's registered city.
inline double level(const State& s, std::size_t city, Instrument k) {
  return s.cities.instrument[static_cast<std::size_t>(k)][city];
}

// Factory-gate unit cost, CNY: the wage of the city where goods are made over the firm's
// productivity times that city's (docs/model.md, "City productivity"). The city's term keeps
// its wage and productivity consistent: a low wage that only reflects low productivity is no
// cost advantage.
inline double unit_cost_cny(const World& w, const State& s, std::size_t i, int step) {
  const std::size_t city = s.firms.production_city[i];
  return s.cities.wage_cny[city] / (productivity(w, s.firms, i, step) * w.city_productivity[city]);
}

// Logistics cost multiplier of a channel: parcels cost twice bulk freight per value,
// warehouse stock ships in bulk at 1.2 (docs/model.md, "Prices").
inline double logistics_factor(const World& w, int sector, int channel, bool warehouse) {
  const double base = sc(w).sectors[static_cast<std::size_t>(sector)].logistics_cost;
  const double mult = channel == kGeneral ? 1.0 : (warehouse ? 1.2 : 2.0);
  return 1.0 + base * mult;
}

// Ad-valorem trade cost of a market from a city: the destination's plus haulage from an
// inland city. The city's information instrument cuts the haulage (goods clear at a local
// hub, e.g. Zhengzhou's airport or Chongqing's rail terminal) and, for CBEC, the clearance
// cost of the destination's part.
// trade_cost_at takes the information level as given (what the city would pay at that level).
inline double trade_cost_at(const World& w, std::size_t city, int market, int step, double info) {
  const auto& cities = sc(w).cities;
  const auto& effects = sc(w).zones.effects;
  const bool general = market % kChannels == kGeneral;
  const double haulage = w.coastal[city] ? 0.0
                                         : (general ? cities.inland_cost_general : cities.inland_cost_cbec) *
                                               (1.0 - effects.inland_cost_cut * info);
  const double destination = w.at(step).trade_cost[static_cast<std::size_t>(market)];
  return haulage + (general ? destination : destination * (1.0 - effects.clearance_cost_cut * info));
}
inline double trade_cost_from(const World& w, const State& s, std::size_t city, int market, int step) {
  return trade_cost_at(w, city, market, step, level(s, city, Instrument::information));
}

// Trade cost a firm faces: that of its registered city.
inline double trade_cost(const World& w, const State& s, std::size_t i, int market, int step) {
  return trade_cost_from(w, s, s.firms.city[i], market, step);
}

// Ratio of the delivered price to the factory-gate price: trade cost, logistics and (CBEC)
// the platform's commission, which the seller passes on. A `cbec_price` event scales the
// CBEC wedge (a what-if cut in delivery costs; 1 otherwise).
// delivery_wedge_at takes the registered city, sector and warehouse flag as given.
inline double delivery_wedge_at(const World& w, const State& s, std::size_t city, int sector, int market, bool warehouse,
                                int step) {
  const int channel = market % kChannels;
  double wedge = (1.0 + trade_cost_from(w, s, city, market, step)) * logistics_factor(w, sector, channel, warehouse);
  if (channel == kCbec)
    wedge *= w.at(step).cbec_price_factor[static_cast<std::size_t>(market / kChannels)] / (1.0 - sc(w).platform.commission);
  return wedge;
}
inline double delivery_wedge(const World& w, const State& s, std::size_t i, int market, int step) {
  return delivery_wedge_at(w, s, s.firms.city[i], s.firms.sector[i], market,
                           s.firms.warehouse[market_index(w, i, market)] != 0, step);
}

// Seller revenue over factory-gate revenue: the market's delivery wedge without the
// commission, which the platform keeps.
inline double gross_wedge(const World& w, int market, double delivery_wedge) {
  return market % kChannels == kCbec ? delivery_wedge * (1.0 - sc(w).platform.commission) : delivery_wedge;
}

// Seller revenue over factory-gate revenue of firm i in a market, from the delivery wedge it
// was last priced with (the commission is a scenario constant, not a timeline event, so reading
// it later gives the wedge pricing would have stored).
inline double gross_wedge_of(const World& w, const FirmStore& f, std::size_t i, int market) {
  return gross_wedge(w, market, f.delivery_wedge[market_index(w, i, market)]);
}

// Delivered price of firm i in a market, USD: markup * unit cost * delivery wedge / CNY per
// USD, the operations pricing performs in its order, so the very number it would have stored.
// Read in the month the firm was priced (set_prices, or price_firm for newborns, both at s.step):
// the unit cost, wedge and exchange rate are that month's.
inline double price_usd(const World& w, const State& s, std::size_t i, int market) {
  const FirmStore& f = s.firms;
  return w.markup[f.sector[i]] * f.unit_cost_cny[i] * f.delivery_wedge[market_index(w, i, market)] /
         w.at(s.step).cny_per_usd;
}

// ---- Demand of a destination (docs/model.md, "Demand of a destination") ----

// Years from the middle of 2015 (general_imports_usd is 2015's monthly average) to the middle
// of this month; burn-in steps see step 0.
inline double years_from_2015(const World& w, int step) {
  return (w.clock.at(std::max(step, 0)) - Month::of(2015, 1) - 5.5) / 12.0;
}

// Online odds o = omega / (1 - omega) of destination d, omega the e-commerce share of retail
// this month (data): the attraction of buying online relative to offline.
inline double online_odds(const World& w, std::size_t d, int step) {
  const double omega = w.at(step).online_share_ratio[d] * sc(w).destinations[d].online_share.front();
  return omega / (1.0 - omega);
}

// B: spending on the destination's imports of a category from every origin, offline and from
// non-Chinese online sellers, before Chinese CBEC takes its part (sample USD a month). It
// grows with the destination's income; at the start China's share of its offline part
// (B / (1 + o)) is general_imports_usd.
inline double import_market_usd(const World& w, std::size_t d, std::size_t sector, int step) {
  const DestinationSpec& dest = sc(w).destinations[d];
  const double omega0 = dest.online_share.front();
  return dest.general_imports_usd / dest.china_share / (1.0 - omega0) * sc(w).sectors[sector].spending_share *
         std::pow(1.0 + dest.income_growth, years_from_2015(w, step)) * sc(w).scale.sample_fraction;
}

// Imports of the category not bought from Chinese CBEC sellers: B - m C, with C this month's
// CBEC spending before the online shock and m the cannibalisation share (the rest of C comes
// from the destination's other spending). Offline is 1 / (1 + o) of it, non-Chinese online o / (1 + o).
inline double non_cbec_imports_usd(const World& w, std::size_t d, std::size_t sector, int step, double cbec_usd) {
  return std::max(0.0, import_market_usd(w, d, sector, step) - sc(w).consumers.cannibalisation * cbec_usd);
}

// China's share of the destination's offline imports on the path general_imports_usd and
// import_growth imply: China's offline exports s* B / (1 + o) = general_imports (1 + import_growth)^years.
inline double china_share_path(const World& w, std::size_t d, int step) {
  const DestinationSpec& dest = sc(w).destinations[d];
  const double years = years_from_2015(w, step);
  const double omega0 = dest.online_share.front();
  const double share = dest.china_share * std::pow((1.0 + dest.import_growth) / (1.0 + dest.income_growth), years) *
                       (1.0 + online_odds(w, d, step)) * (1.0 - omega0);
  return std::clamp(share, 1e-4, 0.95);
}

// Chinese firms' general-trade appeal summed by destination and sector, [destination *
// sectors + sector]. Each cell adds the firms in slot order (the same sums, in the same order,
// as one pass per destination would give); every destination is summed in the one pass over
// the firms, so each firm's appeals are read once.
inline std::vector<double> general_appeal_totals(const World& w, const FirmStore& f) {
  const std::size_t n_dest = static_cast<std::size_t>(w.destinations);
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  std::vector<double> total(n_dest * n_sec, 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t sec = f.sector[i];
    for (std::size_t d = 0; d < n_dest; ++d)
      total[d * n_sec + sec] += f.general_appeal[destination_index(w, i, static_cast<int>(d))];
  }
  return total;
}

// Demand shifter of a firm in CES terms: quality^(sigma-1) * price^(1-sigma).
inline double ces_appeal(double quality, double price, double sigma) {
  return std::pow(quality / price, sigma - 1.0);
}

// Sunk cost of entering a market, CNY (administration cuts CBEC entry; the onboarding
// campaign halves it at strength 1).
inline double sunk_cost_cny(const World& w, const State& s, std::size_t i, int market, int step) {
  const auto& f = sc(w).firms;
  if (market % kChannels == kGeneral) return f.sunk_cost_general_cny;
  const double admin = level(s, s.firms.city[i], Instrument::administration);
  return f.sunk_cost_cbec_cny * (1.0 - sc(w).zones.effects.entry_cost_cut * admin) / (1.0 + w.at(step).onboarding);
}

// Monthly fixed cost of serving a market, CNY, including the platform fee and listed
// products' compliance cost for CBEC:
//   general: fixed_cost_general_cny
//   CBEC:    fixed_cost_cbec_cny (1 - entry_cost_cut admin) + fee * CNY per USD
//            + products * compliance_cost_per_product_cny (1 - compliance_cost_cut info)
// FixedCosts works out a firm's city and month terms once for all its markets (the same
// operations in the same order as one market at a time, so the same numbers).
class FixedCosts {
 public:
  FixedCosts(const World& w, const State& s, std::size_t i, int step) {
    const auto& f = sc(w).firms;
    const std::size_t city = s.firms.city[i];
    const double admin = level(s, city, Instrument::administration);
    const double info = level(s, city, Instrument::information);
    const auto& e = sc(w).zones.effects;
    general_ = f.fixed_cost_general_cny;
    cbec_ = f.fixed_cost_cbec_cny * (1.0 - e.entry_cost_cut * admin) + sc(w).platform.monthly_fee_usd * w.at(step).cny_per_usd;
    per_product_ = f.compliance_cost_per_product_cny;
    compliance_left_ = 1.0 - e.compliance_cost_cut * info;
  }
  double of(int market, int products) const {
    if (market % kChannels == kGeneral) return general_;
    return cbec_ + products * per_product_ * compliance_left_;
  }

 private:
  double general_, cbec_, per_product_, compliance_left_;
};
inline double fixed_cost_cny(const World& w, const State& s, std::size_t i, int market, int step, int products) {
  return FixedCosts(w, s, i, step).of(market, products);
}

// Variable profit (CNY) from seller revenue in a market at the month's prices:
// factory-gate revenue times (1 - 1/markup).
inline double variable_profit_cny(const World& w, const State& s, std::size_t i, int market, int step,
                                  double seller_revenue_usd) {
  const double factory_revenue = seller_revenue_usd * w.at(step).cny_per_usd / gross_wedge_of(w, s.firms, i, market);
  return factory_revenue * (1.0 - 1.0 / w.markup[s.firms.sector[i]]);
}

// Factory-gate revenue of the month, CNY: home sales plus each market's seller revenue
// divided by its delivery wedge (the part that pays for production and profit).
inline double factory_revenue_cny(const World& w, const State& s, std::size_t i, int step) {
  double total = s.firms.domestic_revenue_cny[i];
  for (int m = 0; m < w.markets; ++m) {
    const std::size_t k = market_index(w, i, m);
    if (s.firms.revenue_usd[k] != 0.0) total += s.firms.revenue_usd[k] * w.at(step).cny_per_usd / gross_wedge_of(w, s.firms, i, m);
  }
  return total;
}

// Trading companies keep this share of the workers their sales need as their own staff;
// suppliers in the city the goods are made in employ the rest.
inline constexpr double kTraderStaffShare = 0.1;

// Workers that producing a month's factory-gate revenue takes: the wage part
// (labour_cost_share) of variable cost revenue / markup, at the production city's wage.
inline double workers_needed(const World& w, const State& s, std::size_t i, double factory_revenue_cny) {
  return sc(w).firms.labour_cost_share * factory_revenue_cny / w.markup[s.firms.sector[i]] /
         s.cities.wage_cny[s.firms.production_city[i]];
}

// Working-capital months of a channel, shortened by the financial instrument.
inline double cash_cycle_months(const World& w, const State& s, std::size_t i, int channel, bool warehouse) {
  const auto& f = sc(w).firms;
  const double base = channel == kGeneral ? f.working_capital_months_general
                                          : (warehouse ? f.working_capital_months_warehouse : f.working_capital_months_cbec);
  return base * (1.0 - sc(w).zones.effects.cash_cycle_cut * level(s, s.firms.city[i], Instrument::financial));
}

// Credit line, CNY: months of revenue (at least of wage bill), widened by the financial
// instrument.
inline double credit_line_cny(const World& w, const State& s, std::size_t i) {
  const auto& f = s.firms;
  const double base = std::max(f.revenue_cny_last[i], f.employees[i] * s.cities.wage_cny[f.city[i]] * 1.5);
  return sc(w).firms.credit_line_months * base *
         (1.0 + sc(w).zones.effects.credit_line_boost * level(s, f.city[i], Instrument::financial));
}

inline double monthly_interest_rate(const World& w, const State& s, std::size_t i) {
  return sc(w).firms.interest_rate_year / 12.0 *
         (1.0 - sc(w).zones.effects.interest_cut * level(s, s.firms.city[i], Instrument::financial));
}

}  // namespace pzsim::econ
