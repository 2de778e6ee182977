#include "sim/run/city_series.hpp"

#include <cstdint>
#include <span>
#include <algorithm>
#include <stdexcept>

namespace pzsim {

namespace {

std::size_t dim_size(const World& w, const std::string& dim) {
  if (dim == "city") return static_cast<std::size_t>(w.cities);
  if (dim == "sector") return static_cast<std::size_t>(w.sectors);
  if (dim == "destination") return static_cast<std::size_t>(w.destinations);
  if (dim == "channel") return kChannels;
  if (dim == "customs_code") return kCustomsCodes;
  if (dim == "instrument") return kInstrumentCount;
  if (dim == "payer" || dim == "payee") return kAccountSectors;
  throw std::out_of_range("unknown output dimension " + dim);
}

std::vector<SeriesSpec> build() {
  std::vector<SeriesSpec> s = {
      {"exports_usd", "exports_usd", "", 0, "exports, all real channels"},
      {"exports_general_usd", "exports_usd", "channel", kGeneral, "exports by general trade (real channel)"},
      {"exports_cbec_usd", "exports_usd", "channel", kCbec, "exports by CBEC (real channel)"},
      {"exports_cbec_recorded_usd", "exports_cbec_recorded_usd", "", 0, "CBEC exports as recorded"},
      {"employment", "employment", "", 0, "employment, end of month"},
      {"firm_employment", "firm_employment", "", 0, "employment in firm agents"},
      {"other_jobs", "other_jobs", "", 0, "rest-of-economy jobs"},
      {"jobs_created", "jobs_created", "", 0, "gross hires (positive employment changes)"},
      {"jobs_destroyed", "jobs_destroyed", "", 0, "gross separations (negative employment changes)"},
      {"firms_alive", "firms_alive", "", 0, "living firms, end of month"},
      {"firm_births", "firm_births", "", 0, "firm births"},
      {"firm_deaths", "firm_deaths", "", 0, "firm deaths"},
      {"relocations_in", "relocations_in", "", 0, "firms relocating in"},
      {"relocations_out", "relocations_out", "", 0, "firms relocating out"},
      {"fiscal_cost_usd", "fiscal_cost_usd", "", 0, "zone fiscal cost"},
      {"fiscal_cost_central_usd", "fiscal_cost_central_usd", "", 0, "zone fiscal cost, central"},
      {"fiscal_cost_local_usd", "fiscal_cost_local_usd", "", 0, "zone fiscal cost, local"},
      {"tax_revenue_usd", "tax_revenue_usd", "", 0, "income tax paid by firm agents"},
      {"zone_active", "zone_active", "", 0, "zone status"},
      {"services_jobs", "services_jobs", "", 0, "logistics and services jobs"},
      {"supplier_jobs", "supplier_jobs", "", 0, "supplier jobs"},
      // From the firms (add_firm_origins): seller revenue of this month by real channel.
      {"exports_cbec_relocated_usd", "", "", 0, "CBEC exports of firms that relocated into the city"},
      {"exports_general_relocated_usd", "", "", 0, "general-trade exports of firms that relocated into the city"},
      {"exports_cbec_born_usd", "", "", 0, "CBEC exports of firms born in the city during the run (not relocated)"},
      {"exports_general_born_usd", "", "", 0, "general-trade exports of firms born in the city during the run (not relocated)"},
      {"firm_jobs_relocated", "", "", 0, "employees of firms that relocated into the city"},
      {"firm_jobs_born", "", "", 0, "employees of firms born in the city during the run (not relocated)"},
  };
  for (int code = 0; code < kCustomsCodes; ++code)
    s.push_back({std::string("exports_declared_") + kCustomsCodeNames[static_cast<std::size_t>(code)] + "_usd",
                 "exports_declared_usd", "customs_code", code,
                 std::string("exports declared under customs code ") + kCustomsCodeNames[static_cast<std::size_t>(code)]});
  return s;
}

const OutputVariable& catalog_variable(const std::string& name) {
  for (const auto& v : output_catalog())
    if (v.name == name) return v;
  throw std::out_of_range("output variable " + name + " is not in the catalog");
}

}  // namespace

const std::vector<SeriesSpec>& series_catalog() {
  static const std::vector<SeriesSpec> catalog = build();  // a table, built once
  return catalog;
}

CitySeries::CitySeries(const World& world) : months_(world.clock.months), cities_(world.cities) {
  values_.assign(series_catalog().size(),
                 std::vector<double>(static_cast<std::size_t>(months_) * static_cast<std::size_t>(cities_), 0.0));
}

void CitySeries::add_month(const World& w, const State& state, const MonthOutputs& out) {
  const int step = state.step;
  const auto& specs = series_catalog();
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const SeriesSpec& spec = specs[k];
    if (spec.variable.empty()) continue;  // from the firms, below
    const OutputVariable& v = catalog_variable(spec.variable);
    if (v.dims.empty() || v.dims.front() != "city") throw std::out_of_range(spec.variable + " is not by city");
    // Row-major: city first, then the other dims; `inner` cells per city.
    std::size_t inner = 1, stride = 1, extent = 1;
    for (std::size_t d = 1; d < v.dims.size(); ++d) inner *= dim_size(w, v.dims[d]);
    if (!spec.dim.empty()) {
      bool found = false;
      for (std::size_t d = 1; d < v.dims.size(); ++d) {
        if (v.dims[d] != spec.dim) continue;
        found = true;
        extent = dim_size(w, v.dims[d]);
        stride = 1;
        for (std::size_t e = d + 1; e < v.dims.size(); ++e) stride *= dim_size(w, v.dims[e]);
      }
      if (!found) throw std::out_of_range(spec.variable + " has no dimension " + spec.dim);
    }
    std::span<const double> f64;
    std::span<const std::int64_t> i64;
    std::span<const std::uint8_t> u8;
    if (v.type == OutputType::f64) f64 = v.f64(out);
    if (v.type == OutputType::i64) i64 = v.i64(out);
    if (v.type == OutputType::u8) u8 = v.u8(out);
    const auto value = [&](std::size_t i) -> double {
      if (v.type == OutputType::f64) return f64[i];
      if (v.type == OutputType::i64) return static_cast<double>(i64[i]);
      return static_cast<double>(u8[i]);
    };
    double* row = values_[k].data() + static_cast<std::size_t>(step) * static_cast<std::size_t>(cities_);
    for (std::size_t c = 0; c < static_cast<std::size_t>(cities_); ++c) {
      double sum = 0.0;
      for (std::size_t j = 0; j < inner; ++j) {
        if (!spec.dim.empty() && (j / stride) % extent != static_cast<std::size_t>(spec.index)) continue;
        sum += value(c * inner + j);
      }
      row[c] = sum;
    }
  }
  add_firm_origins(w, state);
}

void CitySeries::add_firm_origins(const World& w, const State& state) {
  const FirmStore& f = state.firms;
  if (state.step == 0) {
    city_at_start_.clear();
    for (std::size_t i = 0; i < f.size(); ++i) city_at_start_.emplace_back(f.id[i], f.city[i]);
    std::sort(city_at_start_.begin(), city_at_start_.end());
  }
  std::vector<double>& cbec_relocated = values_[index_of("exports_cbec_relocated_usd")];
  std::vector<double>& general_relocated = values_[index_of("exports_general_relocated_usd")];
  std::vector<double>& cbec_born = values_[index_of("exports_cbec_born_usd")];
  std::vector<double>& general_born = values_[index_of("exports_general_born_usd")];
  std::vector<double>& jobs_relocated = values_[index_of("firm_jobs_relocated")];
  std::vector<double>& jobs_born = values_[index_of("firm_jobs_born")];
  const std::size_t row = static_cast<std::size_t>(state.step) * static_cast<std::size_t>(cities_);
  const std::size_t markets = static_cast<std::size_t>(w.markets);
  // Slots are in id order (FirmStore), as is city_at_start_, so one forward walk finds each
  // firm's start city; a store out of id order is searched instead.
  auto start = city_at_start_.begin();
  std::uint64_t previous_id = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::uint64_t id = f.id[i];
    const bool born_in_run = is_newborn_id(id) && newborn_birth_step(id) >= 0;
    std::size_t origin = f.city[i];
    if (born_in_run) {
      origin = newborn_birth_city(id);
    } else {
      if (id < previous_id)
        start = std::lower_bound(city_at_start_.begin(), city_at_start_.end(), std::make_pair(id, std::uint32_t{0}));
      while (start != city_at_start_.end() && start->first < id) ++start;
      if (start != city_at_start_.end() && start->first == id) origin = start->second;
    }
    previous_id = id;
    const bool relocated = origin != f.city[i];
    if (!relocated && !born_in_run) continue;
    const std::size_t cell = row + f.city[i];
    double cbec = 0.0, general = 0.0;
    // After end_month, revenue_usd_last holds this month's seller revenue per market.
    for (std::size_t m = 0; m < markets; ++m)
      (m % kChannels == static_cast<std::size_t>(kCbec) ? cbec : general) += f.revenue_usd_last[i * markets + m];
    (relocated ? cbec_relocated : cbec_born)[cell] += cbec;
    (relocated ? general_relocated : general_born)[cell] += general;
    (relocated ? jobs_relocated : jobs_born)[cell] += static_cast<double>(f.employees[i]);
  }
}

std::size_t CitySeries::index_of(std::string_view name) const {
  const auto& specs = series_catalog();
  for (std::size_t k = 0; k < specs.size(); ++k)
    if (specs[k].name == name) return k;
  throw std::out_of_range("no series " + std::string(name));
}

const std::vector<double>& CitySeries::series(std::string_view name) const { return values_[index_of(name)]; }

}  // namespace pzsim
