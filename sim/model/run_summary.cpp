#include "sim/model/run_summary.hpp"

#include <cstdio>

namespace pzsim {

void RunSummary::add_month(const World& w, int step, const MonthOutputs& out) {
  const bool last_year = step >= w.clock.months - 12;
  for (std::size_t c = 0; c < group_of_city_.size(); ++c) {
    GroupTotals& g = groups_[group_of_city_[c]];
    double exports = 0.0, cbec = 0.0;
    for (int s = 0; s < w.sectors; ++s)
      for (int k = 0; k < kChannels; ++k) {
        const double x = out.exports_usd[(c * static_cast<std::size_t>(w.sectors) + static_cast<std::size_t>(s)) * kChannels + static_cast<std::size_t>(k)];
        exports += x;
        if (k == kCbec) cbec += x;
      }
    g.exports_usd += exports;
    g.exports_cbec_usd += cbec;
    if (last_year) {
      g.exports_last_year_usd += exports;
      g.cbec_last_year_usd += cbec;
    }
    if (step == 0) g.employment_start += static_cast<double>(out.employment[c]);
    g.jobs_created += static_cast<double>(out.jobs_created[c]);
    g.jobs_destroyed += static_cast<double>(out.jobs_destroyed[c]);
    g.fiscal_cost_usd += out.fiscal_cost_usd[c];
  }
  if (step == w.clock.months - 1) {
    for (auto& g : groups_) g.employment_end = g.exporters_cbec_end = g.firms_end = 0.0;
    for (std::size_t c = 0; c < group_of_city_.size(); ++c) {
      GroupTotals& g = groups_[group_of_city_[c]];
      g.employment_end += static_cast<double>(out.employment[c]);
      g.exporters_cbec_end += static_cast<double>(out.exporters[c * kChannels + kCbec]);
      g.firms_end += static_cast<double>(out.firms_alive[c]);
    }
  }
}

GroupTotals RunSummary::national() const {
  GroupTotals t;
  for (const auto& g : groups_) {
    t.exports_usd += g.exports_usd;
    t.exports_cbec_usd += g.exports_cbec_usd;
    t.exports_last_year_usd += g.exports_last_year_usd;
    t.cbec_last_year_usd += g.cbec_last_year_usd;
    t.employment_start += g.employment_start;
    t.employment_end += g.employment_end;
    t.jobs_created += g.jobs_created;
    t.jobs_destroyed += g.jobs_destroyed;
    t.exporters_cbec_end += g.exporters_cbec_end;
    t.firms_end += g.firms_end;
    t.fiscal_cost_usd += g.fiscal_cost_usd;
  }
  return t;
}

std::vector<int> zone_groups(const World& w) {
  std::vector<int> groups(static_cast<std::size_t>(w.cities), 1);
  for (int c = 0; c < w.cities; ++c)
    if (w.zone_approval_step[static_cast<std::size_t>(c)] < w.clock.months) groups[static_cast<std::size_t>(c)] = 0;
  return groups;
}

Scenario counterfactual_of(const Scenario& scenario) {
  Scenario cf = scenario;
  cf.zones.selection = ZoneSelection::none;
  cf.zones.list.clear();
  return cf;
}

namespace {

void row(std::string& text, const char* label, double policy, double counterfactual, double scale, const char* unit) {
  char buf[256];
  const double p = policy * scale, c = counterfactual * scale, d = p - c;
  if (c != 0.0)
    std::snprintf(buf, sizeof buf, "  %-34s %14.2f %14.2f %+13.2f %+8.2f%%  %s\n", label, p, c, d, 100.0 * d / c, unit);
  else  // no percentage of nothing
    std::snprintf(buf, sizeof buf, "  %-34s %14.2f %14.2f %+13.2f %9s  %s\n", label, p, c, d, "n/a", unit);
  text += buf;
}

void block(std::string& text, const char* title, const GroupTotals& p, const GroupTotals& c, double to_national) {
  text += title;
  text += "\n";
  row(text, "exports, all channels, whole run", p.exports_usd, c.exports_usd, to_national * 1e-9, "USD bn");
  row(text, "exports, CBEC channel, whole run", p.exports_cbec_usd, c.exports_cbec_usd, to_national * 1e-9, "USD bn");
  row(text, "exports, all channels, last 12 mo", p.exports_last_year_usd, c.exports_last_year_usd, to_national * 1e-9, "USD bn");
  row(text, "exports, CBEC channel, last 12 mo", p.cbec_last_year_usd, c.cbec_last_year_usd, to_national * 1e-9, "USD bn");
  row(text, "employment at the end", p.employment_end, c.employment_end, to_national * 1e-3, "thousand");
  row(text, "jobs created, whole run", p.jobs_created, c.jobs_created, to_national * 1e-3, "thousand");
  row(text, "jobs destroyed, whole run", p.jobs_destroyed, c.jobs_destroyed, to_national * 1e-3, "thousand");
  row(text, "CBEC exporters at the end", p.exporters_cbec_end, c.exporters_cbec_end, to_national, "firms");
  row(text, "firms at the end", p.firms_end, c.firms_end, to_national, "firms");
  row(text, "zone fiscal cost, whole run", p.fiscal_cost_usd, c.fiscal_cost_usd, to_national * 1e-9, "USD bn");
}

}  // namespace

std::string format_comparison(const Scenario& sc, std::uint64_t seed, const RunSummary& policy,
                              const RunSummary& counterfactual, int zone_cities) {
  const double to_national = 1.0 / sc.scale.sample_fraction;
  const Clock clock{sc.run.start, sc.run.months};
  std::string text;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Zones against their counterfactual (same scenario and seed %llu, no zones), %s to %s.\n"
                "National units: sample totals divided by sample_fraction %.4g. Effect = policy - counterfactual.\n\n"
                "  %-34s %14s %14s %13s %9s\n",
                static_cast<unsigned long long>(seed), sc.run.start.str().c_str(), clock.end().str().c_str(),
                sc.scale.sample_fraction, "", "policy", "counterfact.", "effect", "effect");
  text += buf;
  block(text, "National", policy.national(), counterfactual.national(), to_national);
  std::snprintf(buf, sizeof buf, "Zone cities (%d)", zone_cities);
  block(text, buf, policy.group(0), counterfactual.group(0), to_national);
  std::snprintf(buf, sizeof buf, "Other cities (%d)", static_cast<int>(sc.cities.list.size()) - zone_cities);
  block(text, buf, policy.group(1), counterfactual.group(1), to_national);
  return text;
}

}  // namespace pzsim
