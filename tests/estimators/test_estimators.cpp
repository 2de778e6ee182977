// Tests of sim/estimators: TWFE, event study, Callaway-Sant'Anna and Sun-Abraham on panels
// with known effects, and their clustered standard errors against independent computations.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/estimators/estimators.hpp"
#include "sim/estimators/within_regression.hpp"
#include "synthetic_panels.hpp"
#include "tests/support/test_support.hpp"

using pzsim::did::ControlGroup;
using pzsim::did::EventWindow;
using pzsim::did::kNeverTreated;
using pzsim::did::Panel;
using pzsim::testing::make_synthetic_panel;
using pzsim::testing::SyntheticPanel;

namespace {

// Effects that grow with time since treatment at a cohort-specific rate: the case where
// static TWFE is biased (Goodman-Bacon 2021; de Chaisemartin & D'Haultfoeuille 2020).
double growing_effect(int cohort, int event_time) {
  const double slope = cohort == 3 ? 0.5 : cohort == 6 ? 0.3 : 0.1;
  return slope * (event_time + 1);
}

// Truth of a binned event time: the mean effect over the cells pooled into that bin.
double true_att_binned(const SyntheticPanel& s, const EventWindow& window, int e, int last_period = 1 << 30) {
  return s.true_att([&](int g, int t) { return window.bin(t - g) == e && t < last_period; });
}

Panel tiny_panel() {
  Panel p;
  p.outcome.resize(4, 3);
  p.outcome << 1.0, 2.5, 3.1, 0.5, 0.9, 2.8, 2.0, 2.2, 2.1, 1.5, 1.9, 2.6;
  p.cohort = {1, 2, kNeverTreated, kNeverTreated};
  return p;
}

}  // namespace

TEST_CASE("TWFE clustered standard error matches a hand computation and statsmodels", "[estimators]") {
  const Panel p = tiny_panel();
  const int n = 4, periods = 3;
  // By hand: demean D and Y twice, slope, residuals, one score per unit, CR1 factor.
  double d[4][3], y[4][3], d_row[4] = {}, d_col[3] = {}, y_row[4] = {}, y_col[3] = {}, d_all = 0, y_all = 0;
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < periods; ++t) {
      d[i][t] = p.treated(i, t) ? 1.0 : 0.0;
      y[i][t] = p.outcome(i, t);
      d_row[i] += d[i][t] / periods, d_col[t] += d[i][t] / n, d_all += d[i][t] / (n * periods);
      y_row[i] += y[i][t] / periods, y_col[t] += y[i][t] / n, y_all += y[i][t] / (n * periods);
    }
  double sxx = 0, sxy = 0;
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < periods; ++t) {
      d[i][t] += -d_row[i] - d_col[t] + d_all;
      y[i][t] += -y_row[i] - y_col[t] + y_all;
      sxx += d[i][t] * d[i][t], sxy += d[i][t] * y[i][t];
    }
  const double beta = sxy / sxx;
  double meat = 0;
  for (int i = 0; i < n; ++i) {
    double score = 0;
    for (int t = 0; t < periods; ++t) score += d[i][t] * (y[i][t] - beta * d[i][t]);
    meat += score * score;
  }
  const double obs = n * periods, parameters = 1 + periods - 1;
  const double factor = n / (n - 1.0) * (obs - 1) / (obs - parameters);
  const double se = std::sqrt(factor * meat) / sxx;

  const pzsim::did::Estimate est = pzsim::did::twfe(p);
  CHECK(est.estimate == Approx(beta).epsilon(1e-12));
  CHECK(est.se == Approx(se).epsilon(1e-12));
  // statsmodels (tests/estimators/statsmodels_reference.py): 1.44, 0.298029081355.
  CHECK(est.estimate == Approx(1.44).epsilon(1e-10));
  CHECK(est.se == Approx(0.298029081355).epsilon(1e-10));
}

TEST_CASE("Event study coefficients and clustered errors match statsmodels", "[estimators]") {
  Panel p;
  p.outcome.resize(6, 5);
  p.outcome << 0.3, 0.8, 1.9, 2.4, 2.2, 1.1, 1.0, 1.6, 2.9, 3.3, 0.7, 1.2, 1.1, 1.4, 2.8, 0.2, 0.4, 0.3, 0.9, 0.7, 1.5, 1.3,
      1.8, 1.6, 2.0, 0.9, 1.4, 1.2, 1.7, 1.5;
  p.cohort = {2, 3, 4, kNeverTreated, kNeverTreated, kNeverTreated};
  const auto es = pzsim::did::event_study(p, EventWindow{-3, 1});
  // statsmodels (tests/estimators/statsmodels_reference.py), event times -3 (bin), -2, 0, 1 (bin).
  const int expected_e[] = {-3, -2, 0, 1};
  const double expected_b[] = {-0.176435702164, -0.296181325152, 1.14931785652, 1.33289326674};
  const double expected_se[] = {0.112855415826, 0.153353912623, 0.117152789633, 0.127769636163};
  REQUIRE(es.coefficients.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(es.coefficients[k].event_time == expected_e[k]);
    CHECK(es.coefficients[k].estimate == Approx(expected_b[k]).epsilon(1e-9));
    CHECK(es.coefficients[k].se == Approx(expected_se[k]).epsilon(1e-9));
  }
  CHECK(es.omitted == std::vector<int>{-1});
}

TEST_CASE("Callaway-Sant'Anna 2x2 cell equals the difference in mean changes with the two-sample standard error", "[estimators]") {
  // Two periods, one treated cohort (g = 1), never-treated controls.
  Panel p;
  p.outcome.resize(5, 2);
  p.outcome << 1.0, 3.0, 2.0, 3.5, 0.0, 2.9, 1.0, 1.5, 2.0, 2.1;
  p.cohort = {1, 1, 1, kNeverTreated, kNeverTreated};
  const double change[] = {2.0, 1.5, 2.9, 0.5, 0.1};
  const double mean_t = (2.0 + 1.5 + 2.9) / 3, mean_c = (0.5 + 0.1) / 2;
  double var_t = 0, var_c = 0;  // population variances (divided by n), as the influence function gives
  for (int i = 0; i < 3; ++i) var_t += (change[i] - mean_t) * (change[i] - mean_t) / 3;
  for (int i = 3; i < 5; ++i) var_c += (change[i] - mean_c) * (change[i] - mean_c) / 2;
  const auto cs = pzsim::did::callaway_santanna(p, ControlGroup::never_treated, EventWindow{-2, 2});
  REQUIRE(cs.group_time.size() == 1);
  CHECK(cs.group_time[0].att == Approx(mean_t - mean_c).epsilon(1e-12));
  CHECK(cs.group_time[0].se == Approx(std::sqrt(var_t / 3 + var_c / 2)).epsilon(1e-12));
  // One cell, one cohort: the aggregation weight is 1 and its estimation adds nothing.
  CHECK(cs.overall.estimate == Approx(mean_t - mean_c).epsilon(1e-12));
  CHECK(cs.overall.se == Approx(cs.group_time[0].se).epsilon(1e-12));
}

TEST_CASE("With dynamic heterogeneous effects and never-treated units the robust estimators recover the ATT and TWFE is biased", "[estimators]") {
  // Cohorts of unequal size, so that cohort weights matter.
  const SyntheticPanel s = make_synthetic_panel({{3, 90}, {6, 30}, {9, 60}, {kNeverTreated, 120}}, 12, growing_effect, 0.5, 7);
  const double truth = s.true_att();
  const EventWindow window{-5, 5};

  const auto cs = pzsim::did::callaway_santanna(s.panel, ControlGroup::never_treated, window);
  INFO("truth " << truth << ", CS " << cs.overall.estimate << " (" << cs.overall.se << ")");
  CHECK(std::abs(cs.overall.estimate - truth) < 2 * cs.overall.se);
  for (const auto& e : cs.event_time) {
    const double truth_e = e.event_time >= 0 ? true_att_binned(s, window, e.event_time) : 0.0;
    INFO("CS event time " << e.event_time << ": " << e.estimate << " (" << e.se << "), truth " << truth_e);
    CHECK(std::abs(e.estimate - truth_e) < 3 * e.se);
  }

  const auto sa = pzsim::did::sun_abraham(s.panel, EventWindow{-11, 11}, window);
  INFO("SA " << sa.overall.estimate << " (" << sa.overall.se << ")");
  CHECK_FALSE(sa.last_cohort_as_control);
  CHECK(std::abs(sa.overall.estimate - truth) < 2 * sa.overall.se);
  for (const auto& e : sa.event_time) {
    const double truth_e = e.event_time >= 0 ? true_att_binned(s, window, e.event_time) : 0.0;
    INFO("SA event time " << e.event_time << ": " << e.estimate << " (" << e.se << "), truth " << truth_e);
    CHECK(std::abs(e.estimate - truth_e) < 3 * e.se);
  }
  // With never-treated controls and every relative time in the regression, each interaction is
  // the cohort's mean change since g - 1 minus the controls': CS's post-treatment ATT(g,t).
  for (const auto& e : sa.event_time)
    for (const auto& c : cs.event_time)
      if (e.event_time >= 0 && c.event_time == e.event_time) CHECK(e.estimate == Approx(c.estimate).epsilon(1e-9));
  CHECK(sa.overall.estimate == Approx(cs.overall.estimate).epsilon(1e-9));

  // TWFE weights early-treated units' growing effects negatively in the late-vs-early
  // comparisons: less than 60% of the truth and more than 10 standard errors off.
  const auto tw = pzsim::did::twfe(s.panel);
  INFO("TWFE " << tw.estimate << " (" << tw.se << ")");
  CHECK(tw.estimate < 0.6 * truth);
  CHECK(truth - tw.estimate > 10 * tw.se);
}

TEST_CASE("Without never-treated units TWFE has the wrong sign and not-yet-treated comparisons recover the ATT", "[estimators]") {
  const SyntheticPanel s = make_synthetic_panel({{3, 60}, {6, 60}, {9, 60}}, 12, growing_effect, 0.5, 11);
  // Identified cells: before the last cohort is treated (period 9), when controls remain.
  const double truth = s.true_att([](int, int t) { return t < 9; });
  REQUIRE(truth > 0.5);

  const auto tw = pzsim::did::twfe(s.panel);
  INFO("truth " << truth << ", TWFE " << tw.estimate << " (" << tw.se << ")");
  CHECK(tw.estimate < 0.0);
  CHECK(tw.estimate + 2 * tw.se < 0.0);

  const auto cs = pzsim::did::callaway_santanna(s.panel, ControlGroup::not_yet_treated, EventWindow{-5, 5});
  INFO("CS " << cs.overall.estimate << " (" << cs.overall.se << ")");
  CHECK(std::abs(cs.overall.estimate - truth) < 2 * cs.overall.se);
  for (const auto& gt : cs.group_time) CHECK(gt.period < 9);  // no control after period 8

  const auto sa = pzsim::did::sun_abraham(s.panel, EventWindow{-11, 11}, EventWindow{-5, 5});
  INFO("SA " << sa.overall.estimate << " (" << sa.overall.se << ")");
  CHECK(sa.last_cohort_as_control);
  CHECK(sa.periods_used == 9);
  CHECK(std::abs(sa.overall.estimate - truth) < 2 * sa.overall.se);

  // The event study has no never-treated units: the lowest bin is normalised too.
  const auto es = pzsim::did::event_study(s.panel, EventWindow{-5, 5});
  CHECK(es.omitted.size() == 2);
}

TEST_CASE("With a constant homogeneous effect TWFE and the event study are unbiased", "[estimators]") {
  const auto constant = [](int, int) { return 1.0; };
  const SyntheticPanel s = make_synthetic_panel({{3, 50}, {6, 50}, {9, 50}, {kNeverTreated, 50}}, 12, constant, 0.5, 3);
  const auto tw = pzsim::did::twfe(s.panel);
  INFO("TWFE " << tw.estimate << " (" << tw.se << ")");
  CHECK(std::abs(tw.estimate - 1.0) < 2 * tw.se);
  const auto es = pzsim::did::event_study(s.panel, EventWindow{-4, 4});
  for (const auto& e : es.coefficients) {
    INFO("event time " << e.event_time << ": " << e.estimate << " (" << e.se << ")");
    CHECK(std::abs(e.estimate - (e.event_time >= 0 ? 1.0 : 0.0)) < 3 * e.se);
  }
  const auto cs = pzsim::did::callaway_santanna(s.panel, ControlGroup::not_yet_treated, EventWindow{-4, 4});
  CHECK(std::abs(cs.overall.estimate - 1.0) < 2 * cs.overall.se);
}

TEST_CASE("Clustered and influence-function 95 percent intervals cover the truth about 95 percent of the time", "[estimators]") {
  // 200 panels of 40 units with serially correlated errors within units: unclustered errors
  // would under-cover; clustered ones must not.
  const int replications = 200;
  int twfe_covers = 0, cs_covers = 0;
  for (int r = 0; r < replications; ++r) {
    SyntheticPanel s = make_synthetic_panel({{3, 10}, {5, 10}, {kNeverTreated, 20}}, 8, [](int, int) { return 0.4; }, 0.3,
                                            1000 + static_cast<std::uint64_t>(r));
    for (int i = 0; i < s.panel.units(); ++i) {  // AR(1)-like: add a unit-specific random walk
      pzsim::RandomStream rng(5000 + static_cast<std::uint64_t>(r), pzsim::Stream::kTest, 0, static_cast<std::uint64_t>(i));
      double walk = 0;
      for (int t = 0; t < s.panel.periods(); ++t) s.panel.outcome(i, t) += (walk += 0.3 * rng.normal());
    }
    const auto tw = pzsim::did::twfe(s.panel);
    twfe_covers += std::abs(tw.estimate - 0.4) < 1.96 * tw.se;
    const auto cs = pzsim::did::callaway_santanna(s.panel, ControlGroup::never_treated, EventWindow{-3, 3});
    cs_covers += std::abs(cs.overall.estimate - 0.4) < 1.96 * cs.overall.se;
  }
  INFO("TWFE covers " << twfe_covers << ", CS covers " << cs_covers << " of " << replications);
  // Binomial(200, 0.95) has sd 3.1 covers; 0.88 is more than 4 sd below; CS's analytic errors
  // have no small-sample factor, so a little under-coverage with 40 units is expected.
  CHECK(twfe_covers >= 176);
  CHECK(cs_covers >= 176);
  CHECK(twfe_covers <= 199);
  CHECK(cs_covers <= 199);
}

TEST_CASE("Estimators refuse unusable panels", "[estimators]") {
  Panel p = tiny_panel();
  p.cohort = {kNeverTreated, kNeverTreated, kNeverTreated, kNeverTreated};
  CHECK(pzsim::testing::input_error_of([&] { pzsim::did::twfe(p); }).find("no unit is ever treated") != std::string::npos);
  p = tiny_panel();
  p.cohort.pop_back();
  CHECK(pzsim::testing::input_error_of([&] { pzsim::did::twfe(p); }).find("cohorts") != std::string::npos);
  p = tiny_panel();
  p.cohort[0] = 7;
  CHECK(pzsim::testing::input_error_of([&] { pzsim::did::twfe(p); }).find("outside") != std::string::npos);
  p = tiny_panel();
  p.outcome(1, 1) = std::nan("");
  CHECK(pzsim::testing::input_error_of([&] { pzsim::did::twfe(p); }).find("non-finite") != std::string::npos);
  CHECK(pzsim::testing::input_error_of([&] { pzsim::did::event_study(tiny_panel(), EventWindow{-1, 2}); }).find("window") !=
        std::string::npos);
}

TEST_CASE("Two-way demeaning removes unit and period means exactly", "[estimators]") {
  Eigen::VectorXd v(6);
  v << 1, 2, 4, 8, 16, 32;  // 2 units x 3 periods
  const Eigen::VectorXd d = pzsim::did::two_way_demean(v, 2, 3);
  for (int i = 0; i < 2; ++i) CHECK(std::abs(d.segment(3 * i, 3).sum()) < 1e-12);
  for (int t = 0; t < 3; ++t) CHECK(std::abs(d[t] + d[3 + t]) < 1e-12);
  // v - unit mean - period mean + grand mean for unit 0, period 0: 1 - 7/3 - 4.5 + 63/6.
  CHECK(d[0] == Approx(1 - 7.0 / 3 - 4.5 + 10.5));
}

TEST_CASE("Callaway-Sant'Anna aggregated standard error matches the spread over panels with random cohorts", "[estimators]") {
  // Units draw their cohort at random and cohorts have different effects, so the aggregation
  // weights (cohort shares) are estimates too: their influence must be in the standard error.
  const int replications = 300;
  std::vector<double> estimates;
  double se_sum = 0;
  for (int r = 0; r < replications; ++r) {
    Panel p;
    const int units = 60, periods = 6;
    p.outcome.resize(units, periods);
    for (int i = 0; i < units; ++i) {
      pzsim::RandomStream rng(9000 + static_cast<std::uint64_t>(r), pzsim::Stream::kTest, 99, static_cast<std::uint64_t>(i));
      const double u = rng.uniform();
      const int g = u < 0.3 ? 2 : u < 0.6 ? 4 : kNeverTreated;
      p.cohort.push_back(g);
      for (int t = 0; t < periods; ++t) {
        const double effect = p.treated(i, t) ? (g == 2 ? 0.5 : 3.0) : 0.0;
        p.outcome(i, t) = 0.1 * t + effect + 0.1 * rng.normal();
      }
    }
    const auto cs = pzsim::did::callaway_santanna(p, ControlGroup::never_treated, EventWindow{-2, 2});
    estimates.push_back(cs.overall.estimate);
    se_sum += cs.overall.se;
  }
  double mean = 0, var = 0;
  for (double e : estimates) mean += e / replications;
  for (double e : estimates) var += (e - mean) * (e - mean) / (replications - 1);
  const double ratio = se_sum / replications / std::sqrt(var);
  INFO("mean standard error / standard deviation of the estimates = " << ratio);
  CHECK(ratio > 0.85);
  CHECK(ratio < 1.15);
}

TEST_CASE("TWFE equals its weighted sum of the true effects when trends are parallel, with negative weights on late cells", "[estimators]") {
  // No noise: Y = a_i + l_t + tau D exactly, so TWFE = sum of weight x tau over treated cells.
  const SyntheticPanel s = make_synthetic_panel({{3, 20}, {6, 20}, {9, 20}}, 12, growing_effect, 0.0, 1);
  const auto w = pzsim::did::twfe_weights(s.panel);
  CHECK(w.weight.sum() == Approx(1.0).epsilon(1e-12));
  CHECK(w.treated_cells == 20 * (9 + 6 + 3));
  const double weighted = (w.weight.array() * s.effect.array()).sum();
  CHECK(pzsim::did::twfe(s.panel).estimate == Approx(weighted).epsilon(1e-10));
  // Without never-treated units the long-treated cells of the early cohort get negative weight.
  CHECK(w.negative_cells > 0);
  CHECK(w.negative_sum < 0.0);
  for (int i = 0; i < 20; ++i) CHECK(w.weight(i, 11) < 0.0);  // cohort 3 in the last period
  // With many never-treated units no weight is negative here.
  const SyntheticPanel with_never = make_synthetic_panel({{3, 20}, {6, 20}, {9, 20}, {kNeverTreated, 200}}, 12, growing_effect, 0.0, 1);
  CHECK(pzsim::did::twfe_weights(with_never.panel).negative_cells == 0);
}
