// The month's books: every firm's profit, taxes and credit, the zone's fiscal cost, the
// transaction matrix, and exports by real channel and by declared customs code.
// Profit = home sales + seller revenue abroad - trade and logistics costs - wages
//          - supplier purchases (traders) - fixed costs (incl. platform fees, compliance)
//          - interest + 9710 declaration reward - its cost
// Zone tax rules cover retail exports (Caishui [2018] No. 103; SAT Announcement [2019] No. 36):
//          CBEC parcel sales (9610) and the warehouse_retail_share of warehouse shipments
//          (9810, B2B stock transfers: 0 by default), no_invoice_share of them lacking invoices.
// Tax    = corporate_tax * max(0, profit); from deemed_margin_start a zone firm may instead
//          pay tax on a deemed margin of its retail exports without invoices, taking the
//          lower: the difference is forgone income tax.
// Forgone VAT = vat_rate * no_invoice_share * retail exports of zone firms, from
//          vat_exemption_start (exempt although they lack purchase invoices).
// Relabelling: once the 9710 code exists, a zone firm declares the b2b_online_share of its
//          general trade (deals concluded on B2B platforms) under 9710 when the zone's reward
//          on it covers the monthly cost of the declaration route.
// Credit: a firm holds cash for its working capital (production cost x cash-cycle months);
//          short of it, it draws on its credit line; above it, it repays. Still negative
//          cash means insolvency (the firm closes this month).
#include <algorithm>
#include <cmath>

#include "sim/core/parallel.hpp"
#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"

namespace pzsim {

namespace {

struct FirmBooks {
  double revenue_cny = 0.0;        // home sales + seller revenue abroad
  double trade_costs_cny = 0.0;    // freight, duties, logistics -> rest of world
  double wages_cny = 0.0;          // -> households
  double supplier_cny = 0.0;       // inputs and (traders) goods from suppliers -> households
  double platform_fees_cny = 0.0;  // -> platforms
  double other_fixed_cny = 0.0;    // domestic services -> households
  double interest_cny = 0.0;       // -> banks
  double subsidy_cny = 0.0;        // interest cut paid by local government -> banks
  double tax_cny = 0.0;
  double forgone_income_tax_cny = 0.0;
  double forgone_vat_cny = 0.0;
  double declaration_reward_cny = 0.0;  // 9710 reward, local government -> firm
  double relabelled_share = 0.0;        // share of general-trade exports declared under 9710
  double draw_cny = 0.0;           // new credit
  double repay_cny = 0.0;
  double profit_cny = 0.0;         // after tax
};

}  // namespace

void book_accounts(const World& w, State& s, MonthOutputs& out) {
  const Scenario& sc = *w.scenario;
  const FiscalConfig& fiscal = sc.zones.fiscal;
  const MonthConditions& month = w.at(s.step);
  const double fx = month.cny_per_usd;
  FirmStore& f = s.firms;
  CityState& c = s.cities;
  const std::size_t n = f.size();
  std::vector<FirmBooks> books(n);

  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      FirmBooks& bk = books[i];
      const bool zone = w.is_zone(static_cast<int>(f.city[i]), s.step);
      const double markup = w.markup[f.sector[i]];
      double factory_revenue = f.domestic_revenue_cny[i];
      double working_capital = f.domestic_revenue_cny[i] / markup * sc.firms.working_capital_months_general;
      double retail_revenue = 0.0, retail_profit = 0.0, general_usd = 0.0;
      const econ::FixedCosts fixed_costs(w, s, i, s.step);
      bk.revenue_cny = f.domestic_revenue_cny[i];
      for (int m = 0; m < w.markets; ++m) {
        const std::size_t k = econ::market_index(w, i, m);
        if (!f.active[k] && f.revenue_usd[k] == 0.0) continue;
        const int channel = m % kChannels;
        const double seller_revenue = f.revenue_usd[k] * fx;
        const double market_factory_revenue = seller_revenue / econ::gross_wedge_of(w, f, i, m);
        factory_revenue += market_factory_revenue;
        bk.revenue_cny += seller_revenue;
        bk.trade_costs_cny += seller_revenue - market_factory_revenue;
        working_capital += market_factory_revenue / markup * econ::cash_cycle_months(w, s, i, channel, f.warehouse[k] != 0);
        double fixed = 0.0;
        if (f.active[k]) {
          fixed = fixed_costs.of(m, f.products[k]);
          if (channel == kCbec) {
            const double fee = sc.platform.monthly_fee_usd * fx;
            bk.platform_fees_cny += fee;
            bk.other_fixed_cny += fixed - fee;
          } else {
            bk.other_fixed_cny += fixed;
          }
        }
        if (channel == kCbec) {
          // The part of the store's sales the zone tax rules cover: parcels in full, warehouse
          // shipments by warehouse_retail_share.
          const double retail = f.warehouse[k] ? fiscal.warehouse_retail_share : 1.0;
          retail_revenue += retail * seller_revenue;
          retail_profit += retail * (market_factory_revenue * (1.0 - 1.0 / markup) - fixed);
        } else {
          general_usd += f.revenue_usd[k];
        }
      }
      const bool zone_rules = zone && fiscal.tax_rules && s.step >= 0;
      if (zone_rules && month.customs_codes && general_usd > 0.0) {
        const double reward = fiscal.declaration_subsidy * fiscal.b2b_online_share * general_usd * fx;
        if (reward > fiscal.relabel_cost_cny) {
          bk.relabelled_share = fiscal.b2b_online_share;
          bk.declaration_reward_cny = reward;
          bk.revenue_cny += reward;
          bk.other_fixed_cny += fiscal.relabel_cost_cny;
        }
      }
      bk.wages_cny = f.employees[i] * c.wage_cny[f.city[i]];
      // Variable cost is factory revenue / markup: wages (booked from actual employees) and
      // inputs for a manufacturer; a trading company buys the goods from its suppliers
      // and pays only its own sales staff.
      const double variable_cost = factory_revenue / markup;
      const double labour = sc.firms.labour_cost_share;
      bk.supplier_cny = f.trader[i] ? variable_cost * (1.0 - econ::kTraderStaffShare * labour) : variable_cost * (1.0 - labour);
      const double base_rate = sc.firms.interest_rate_year / 12.0;
      const double rate = econ::monthly_interest_rate(w, s, i);
      bk.interest_cny = f.credit_cny[i] * rate;
      bk.subsidy_cny = f.credit_cny[i] * (base_rate - rate);
      const double profit = bk.revenue_cny - bk.trade_costs_cny - bk.wages_cny - bk.supplier_cny -
                            bk.platform_fees_cny - bk.other_fixed_cny - bk.interest_cny;
      const double normal_tax = sc.firms.corporate_tax * std::max(0.0, profit);
      bk.tax_cny = normal_tax;
      // Zone tax rules apply to the retail exports that lack purchase invoices, from the month
      // each rule took effect.
      const Month month_now = w.clock.at(std::max(0, s.step));
      if (zone_rules && retail_revenue > 0.0) {
        const double no_invoice = fiscal.no_invoice_share;
        if (month_now >= fiscal.deemed_margin_start) {
          const double deemed_tax =
              sc.firms.corporate_tax * (std::max(0.0, profit - no_invoice * retail_profit) +
                                        fiscal.deemed_margin * no_invoice * retail_revenue);
          bk.tax_cny = std::min(normal_tax, deemed_tax);
          bk.forgone_income_tax_cny = normal_tax - bk.tax_cny;
        }
        if (month_now >= fiscal.vat_exemption_start)
          bk.forgone_vat_cny = fiscal.vat_rate * no_invoice * retail_revenue;
      }
      bk.profit_cny = profit - bk.tax_cny;

      double cash = f.cash_cny[i] + bk.profit_cny;
      if (cash < working_capital) {
        bk.draw_cny = std::min(working_capital - cash, std::max(0.0, econ::credit_line_cny(w, s, i) - f.credit_cny[i]));
        cash += bk.draw_cny;
      } else if (f.credit_cny[i] > 0.0) {
        bk.repay_cny = std::min(f.credit_cny[i], cash - working_capital);
        cash -= bk.repay_cny;
      }
      f.cash_cny[i] = cash;
      f.credit_cny[i] += bk.draw_cny - bk.repay_cny;
      f.insolvent[i] = cash < 0.0 ? 1 : 0;
      f.loss_months[i] = profit < 0.0 ? f.loss_months[i] + 1 : 0;
      f.revenue_cny_last[i] = bk.revenue_cny;
      f.profit_cny_last[i] = bk.profit_cny;
    }
  });

  // Aggregation: every sum adds the firms in slot order. Three kinds of sums touch disjoint
  // totals (the economy-wide flows, each city's fiscal sums and profits, the exports by city,
  // destination and declared code), so each kind is one task walking all firms in slot order
  // and the three run in parallel without changing a byte.
  const std::size_t n_sec = static_cast<std::size_t>(w.sectors);
  const std::size_t n_cities = static_cast<std::size_t>(w.cities);
  std::vector<double> profit_sum(n_cities, 0.0), firm_count(n_cities, 0.0);
  // What buyers paid, by city and channel: over the volume, the average delivered price.
  std::vector<double> paid_usd(n_cities * kChannels, 0.0);
  const double usd = 1.0 / fx;
  const auto flows = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      const FirmBooks& bk = books[i];
      out.record_flow(kFirms, kRestOfWorld, bk.trade_costs_cny);
      out.record_flow(kFirms, kHouseholds, bk.wages_cny + bk.supplier_cny + bk.other_fixed_cny);
      out.record_flow(kFirms, kPlatforms, bk.platform_fees_cny);
      out.record_flow(kFirms, kBanks, bk.interest_cny + bk.repay_cny);
      out.record_flow(kLocalGov, kBanks, bk.subsidy_cny);
      out.record_flow(kLocalGov, kFirms, bk.declaration_reward_cny);
      out.record_flow(kBanks, kFirms, bk.draw_cny);
      out.record_flow(kFirms, kCentralGov, bk.tax_cny * fiscal.income_tax_central_share);
      out.record_flow(kFirms, kLocalGov, bk.tax_cny * (1.0 - fiscal.income_tax_central_share));
    }
  };
  const auto fiscal_and_profit = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      const FirmBooks& bk = books[i];
      const std::size_t city = f.city[i];
      out.tax_revenue_usd[city] += bk.tax_cny * usd;
      const double central = bk.forgone_income_tax_cny * fiscal.income_tax_central_share + bk.forgone_vat_cny * fiscal.vat_central_share;
      const double local = bk.forgone_income_tax_cny * (1.0 - fiscal.income_tax_central_share) +
                           bk.forgone_vat_cny * (1.0 - fiscal.vat_central_share) + bk.subsidy_cny + bk.declaration_reward_cny;
      out.fiscal_cost_central_usd[city] += central * usd;
      out.forgone_vat_usd[city] += bk.forgone_vat_cny * usd;
      out.forgone_income_tax_usd[city] += bk.forgone_income_tax_cny * usd;
      out.fiscal_cost_local_usd[city] += local * usd;
      profit_sum[city] += bk.profit_cny;
      firm_count[city] += 1.0;
    }
  };
  const auto exports = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t city = f.city[i];
      for (int m = 0; m < w.markets; ++m) {
        const std::size_t k = econ::market_index(w, i, m);
        const int channel = m % kChannels;
        const int dest = m / kChannels;
        const double revenue = f.revenue_usd[k];
        if (revenue == 0.0) continue;
        const double price = econ::price_usd(w, s, i, m);
        out.exports_usd[(city * n_sec + f.sector[i]) * kChannels + static_cast<std::size_t>(channel)] += revenue;
        out.exports_by_destination_usd[static_cast<std::size_t>(dest) * kChannels + static_cast<std::size_t>(channel)] += revenue;
        // Volume and price from what buyers paid (CBEC sellers' revenue is net of commission).
        const double paid = channel == kCbec ? f.cbec_paid_usd[econ::destination_index(w, i, dest)] : revenue;
        out.exports_volume[city * kChannels + static_cast<std::size_t>(channel)] += paid / price;
        paid_usd[city * kChannels + static_cast<std::size_t>(channel)] += paid;
        // Declared customs code: what the sale is recorded as, not how it travelled.
        double* declared = &out.exports_declared_usd[city * kCustomsCodes];
        if (channel == kGeneral) {
          const double relabelled = books[i].relabelled_share * revenue;
          declared[kCode9710] += relabelled;
          declared[kCode0110] += revenue - relabelled;
        } else if (f.warehouse[k]) {
          declared[month.customs_codes ? kCode9810 : kCode0110] += revenue;
        } else {
          declared[kCode9610] += revenue;
        }
      }
    }
  };
  parallel_for(
      3,
      [&](std::size_t first, std::size_t last) {
        for (std::size_t task = first; task < last; ++task) {
          if (task == 0) exports();  // the largest first
          if (task == 1) fiscal_and_profit();
          if (task == 2) flows();
        }
      },
      1);

  for (std::size_t city = 0; city < n_cities; ++city) {
    if (w.is_zone(static_cast<int>(city), s.step)) {
      out.fiscal_cost_local_usd[city] += fiscal.running_cost_cny * sc.scale.sample_fraction * usd;
      out.record_flow(kLocalGov, kHouseholds, fiscal.running_cost_cny * sc.scale.sample_fraction);
    }
    out.fiscal_cost_usd[city] = out.fiscal_cost_central_usd[city] + out.fiscal_cost_local_usd[city];
    const double* declared = &out.exports_declared_usd[city * kCustomsCodes];
    out.exports_cbec_recorded_usd[city] =
        declared[kCode9610] + (month.customs_codes ? declared[kCode9710] + declared[kCode9810] : 0.0);
    for (int channel = 0; channel < kChannels; ++channel) {
      const std::size_t cell = city * kChannels + static_cast<std::size_t>(channel);
      out.avg_delivered_price_usd[cell] = out.exports_volume[cell] > 0.0 ? paid_usd[cell] / out.exports_volume[cell] : 0.0;
    }
    c.profit_per_firm_cny[city] = firm_count[city] > 0.0 ? profit_sum[city] / firm_count[city] : 0.0;
  }
}

}  // namespace pzsim
