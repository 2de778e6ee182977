// Validation of a parsed Scenario: consistency across fields, with the position of the
// offending value; synthetic cities and omitted city attributes resolved first.
#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "sim/core/clock.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/parse_internal.hpp"
#include "sim/scenario/schema.hpp"

namespace pzsim::parse_detail {

using yaml::Position;

namespace {

class Validator {
 public:
  Validator(const PositionIndex& positions, std::string file) : positions_(positions), file_(std::move(file)) {}

  [[noreturn]] void fail_at(const std::string& path, const std::string& what, const std::string& expected = {}) const {
    // Point at the key itself, else its nearest written ancestor, else the file.
    std::string probe = path;
    while (true) {
      auto it = positions_.find(probe);
      if (it != positions_.end()) fail(it->second, path, what, expected);
      const auto dot = probe.rfind('.');
      if (dot == std::string::npos) break;
      probe.resize(dot);
    }
    fail(Position{file_, 1, 1}, path, what, expected);
  }

 private:
  const PositionIndex& positions_;
  std::string file_;
};

// A name as quoted in a message: long ones cut, so a hostile 100 KB name gives a short message.
std::string shown_name(const std::string& name) {
  constexpr std::size_t kShown = 80;
  if (name.size() <= kShown) return name;
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return name.substr(0, cut) + "... (" + std::to_string(name.size()) + " bytes)";
}

template <class Item>
void require_unique_names(const std::vector<Item>& items, const std::string& list_path, const Validator& v,
                          std::string Item::*name_member) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& name = items[i].*name_member;
    const std::string path = list_path + "." + std::to_string(i) + ".name";
    if (name.empty()) v.fail_at(path, "missing name", "a non-empty name");
    if (!seen.insert(name).second) v.fail_at(path, "duplicate name '" + shown_name(name) + "'", "unique names");
  }
}

double clamp01(double x) { return std::min(1.0, std::max(0.0, x)); }

// Fills omitted city attributes and turns synthetic cities into explicit ones, so the
// resolved scenario lists every value the run uses. Draws are keyed by the city's position
// and the attribute seed (not the run seed): cities stay fixed across a sweep's seeds.
void resolve_cities(CitiesConfig& cities) {
  const auto& a = cities.attributes;
  const SyntheticCities synthetic = cities.synthetic;
  const std::size_t explicit_count = cities.list.size();
  for (int k = 0; k < synthetic.count; ++k) {
    RandomStream rng(a.seed, Stream::kCityGeneration, 1, explicit_count + static_cast<std::size_t>(k));
    CitySpec c;
    c.name = synthetic.name_prefix + "-" + std::to_string(k + 1);
    c.province = "synthetic";
    c.region = static_cast<Region>(rng.categorical(synthetic.region_shares));
    c.coastal = c.region != Region::west && rng.bernoulli(synthetic.coastal_share);
    c.synthetic = true;
    cities.list.push_back(std::move(c));
  }
  cities.synthetic.count = 0;
  for (std::size_t i = 0; i < cities.list.size(); ++i) {
    CitySpec& c = cities.list[i];
    RandomStream rng(a.seed, Stream::kCityGeneration, 0, i);
    const double bonus = (c.coastal ? a.coastal_index_bonus : 0.0) + (c.region == Region::east ? a.east_index_bonus : 0.0);
    const double base = c.region == Region::northeast ? 0.4 : 0.45;
    // Draw all six numbers whether used or not, so giving one attribute never shifts another.
    const double infrastructure = clamp01(base + bonus + a.index_sd * rng.normal());
    const double ecommerce = clamp01(base - 0.05 + 1.3 * bonus + a.index_sd * rng.normal());
    const double trade_scale = clamp01(base - 0.05 + 1.5 * bonus + a.index_sd * rng.normal());
    const double labour_force = a.labour_force_median * std::exp(a.labour_force_sigma * rng.normal());
    const double wage = (c.region == Region::east ? a.wage_cny_east : a.wage_cny_other) * std::exp(0.1 * rng.normal());
    const double firm_weight = labour_force / 1e6 * (0.5 + trade_scale) * std::exp(0.3 * rng.normal());
    // A city with any drawn attribute is synthetic: the outputs say so (the `synthetic` coordinate).
    if (!c.infrastructure || !c.ecommerce || !c.trade_scale || !c.labour_force || !c.wage_cny || !c.firm_weight)
      c.synthetic = true;
    if (!c.infrastructure) c.infrastructure = infrastructure;
    if (!c.ecommerce) c.ecommerce = ecommerce;
    if (!c.trade_scale) c.trade_scale = trade_scale;
    if (!c.labour_force) c.labour_force = std::round(labour_force);
    if (!c.wage_cny) c.wage_cny = std::round(wage);
    if (!c.firm_weight) c.firm_weight = firm_weight;
  }
}

}  // namespace

void validate(Scenario& s, const PositionIndex& positions, const std::string& file) {
  const Validator v(positions, file);
  const Clock clock{s.run.start, s.run.months};
  auto in_run = [&](Month m) { return m >= clock.start && m <= clock.end(); };
  const std::string window = s.run.start.str() + " to " + clock.end().str();

  if (s.cities.synthetic.region_shares.size() != 4)
    v.fail_at("cities.synthetic.region_shares", "needs 4 shares", "shares for east, central, west, northeast");
  double region_total = 0.0;
  for (double x : s.cities.synthetic.region_shares) region_total += x;
  if (!(region_total > 0.0))
    v.fail_at("cities.synthetic.region_shares", "shares sum to zero", "at least one positive share");
  if (s.cities.list.empty() && s.cities.synthetic.count == 0)
    v.fail_at("cities", "no cities", "cities.list with at least one city, or cities.synthetic.count > 0");
  resolve_cities(s.cities);
  require_unique_names(s.cities.list, "cities.list", v, &CitySpec::name);
  // Looked up once per reference: a linear find_city per reference made validation take
  // references x cities time (minutes for a hostile file of a few KB).
  std::unordered_map<std::string_view, int> city_index;
  for (std::size_t i = 0; i < s.cities.list.size(); ++i) city_index.emplace(s.cities.list[i].name, static_cast<int>(i));
  const auto has_city = [&](const std::string& name) { return city_index.count(name) != 0; };

  if (s.destinations.empty()) v.fail_at("destinations", "no destinations", "at least one overseas market");
  require_unique_names(s.destinations, "destinations", v, &DestinationSpec::name);
  for (std::size_t i = 0; i < s.destinations.size(); ++i)
    if (s.destinations[i].online_share.empty())
      v.fail_at("destinations." + std::to_string(i) + ".online_share", "empty list", "one or more shares");

  if (s.sectors.empty()) v.fail_at("sectors", "no sectors", "at least one product category");
  require_unique_names(s.sectors, "sectors", v, &SectorSpec::name);
  double spending_total = 0.0;
  for (const auto& sector : s.sectors) spending_total += sector.spending_share;
  if (std::abs(spending_total - 1.0) > 1e-6)
    v.fail_at("sectors", "spending shares sum to " + format_number(spending_total), "spending_share values summing to 1");

  if (s.firms.cbec_share > s.firms.exporter_share)
    v.fail_at("firms.cbec_share", "larger than firms.exporter_share",
              "at most the exporter share (CBEC sellers start among exporters)");

  // Zones.
  auto& z = s.zones;
  if (z.selection != ZoneSelection::list && !z.list.empty())
    v.fail_at("zones.list", "zones listed but zones.selection is " + std::string(enum_name(z.selection)),
              "selection: list (or remove the list)");
  if (z.selection == ZoneSelection::list) {
    if (z.list.empty()) v.fail_at("zones.list", "selection is list but the list is empty", "at least one zone");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < z.list.size(); ++i) {
      const std::string path = "zones.list." + std::to_string(i);
      if (!has_city(z.list[i].city)) {
        std::vector<std::string> names;
        for (const auto& c : s.cities.list) names.push_back(c.name);
        const std::string near = text::nearest(z.list[i].city, names);
        v.fail_at(path + ".city", "no city named '" + shown_name(z.list[i].city) + "' in cities",
                  near.empty() ? "the name of a city in cities.list" : "'" + near + "' (did you mean it?)");
      }
      if (!seen.insert(z.list[i].city).second)
        v.fail_at(path + ".city", "city '" + shown_name(z.list[i].city) + "' listed twice", "one entry per zone city");
      if (!in_run(z.list[i].approval))
        v.fail_at(path + ".approval", "approval month " + z.list[i].approval.str() + " is outside the run",
                  "a month from " + window);
    }
  }
  if (z.selection == ZoneSelection::top_k || z.selection == ZoneSelection::inland_first ||
      z.selection == ZoneSelection::all_at_once) {
    if (z.top_k < 1 || z.top_k > static_cast<int>(s.cities.list.size()))
      v.fail_at("zones.top_k", "top_k is " + std::to_string(z.top_k),
                "between 1 and the number of cities (" + std::to_string(s.cities.list.size()) + ")");
    if (!in_run(z.rule_start))
      v.fail_at("zones.rule_start", "month " + z.rule_start.str() + " is outside the run", "a month from " + window);
    if (z.selection != ZoneSelection::all_at_once) {
      const Month last = z.rule_start + ((z.top_k - 1) / z.rule_batch_size) * z.rule_interval_months;
      if (!in_run(last))
        v.fail_at("zones.top_k", "the rollout of " + std::to_string(z.top_k) + " zones, " +
                                     std::to_string(z.rule_batch_size) + " every " + std::to_string(z.rule_interval_months) +
                                     " months from " + z.rule_start.str() + ", ends " + last.str() + ", after the run",
                  "fewer zones, larger zones.rule_batch_size or shorter zones.rule_interval_months, ending by " +
                      clock.end().str());
    }
  }

  // Timeline.
  std::unordered_set<std::string_view> destination_names;
  for (const auto& d : s.destinations) destination_names.insert(d.name);
  for (std::size_t i = 0; i < s.timeline.size(); ++i) {
    const auto& e = s.timeline[i];
    const std::string path = "timeline." + std::to_string(i);
    // A month a scenario can write is 1900-01 or later, so index 0 means start was left out; it
    // would otherwise print as 0000-01, which does not load again.
    if (e.start.index == 0)
      v.fail_at(path + ".start", "no start month", "start: YYYY-MM, the first month the measure is in force");
    else if (e.end && *e.end < e.start)
      v.fail_at(path + ".end", "ends before it starts", "end >= start");
    if (e.destination != "all" && destination_names.count(e.destination) == 0) {
      {
        std::vector<std::string> names;
        for (const auto& d : s.destinations) names.push_back(d.name);
        const std::string near = text::nearest(e.destination, names);
        v.fail_at(path + ".destination", "no destination named '" + shown_name(e.destination) + "'",
                  near.empty() ? "all or a destination name" : "'" + near + "' (did you mean it?)");
      }
    }
    for (std::size_t k = 0; k < e.cities.size(); ++k)
      if (!has_city(e.cities[k]))
        v.fail_at(path + ".cities." + std::to_string(k), "no city named '" + shown_name(e.cities[k]) + "' in cities",
                  "the name of a city in cities.list");
    if (e.kind == EventKind::national_floor && (e.value < 0.0 || e.value > 1.0))
      v.fail_at(path + ".value", "floor level " + format_number(e.value) + " outside [0, 1]", "an instrument level in [0, 1]");
    if ((e.kind == EventKind::demand_shock || e.kind == EventKind::suspension_wave) && e.value < 0.0)
      v.fail_at(path + ".value", "negative multiplier", "a multiplier >= 0");
    if (e.kind == EventKind::trade_cost && e.value < -1.0)
      v.fail_at(path + ".value", "a cost change below -1", "a change in ad-valorem cost >= -1");
    if (e.kind == EventKind::cbec_price && !(e.value > 0.0))
      v.fail_at(path + ".value", "a price multiplier <= 0", "a multiplier > 0 (0.9 cuts prices by 10%)");
  }

  if (s.exchange_rate.empty()) v.fail_at("exchange_rate", "no exchange rates", "at least one {year, value}");
  for (std::size_t i = 1; i < s.exchange_rate.size(); ++i)
    if (s.exchange_rate[i].year <= s.exchange_rate[i - 1].year)
      v.fail_at("exchange_rate." + std::to_string(i) + ".year", "years not increasing", "years in increasing order");
}

}  // namespace pzsim::parse_detail
