#include "sim/io/result_file.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <system_error>

#include "pzsim/version.hpp"
#include "sim/core/error.hpp"
#include "sim/scenario/schema.hpp"

namespace pzsim {

double days_since_epoch(Month m) {
  int y = m.year();
  const unsigned mo = static_cast<unsigned>(m.month());
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5;  // day 1 of the month
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<double>(era * 146097 + static_cast<int>(doe) - 719468);
}

namespace {

std::vector<std::string> coordinates_for(const std::vector<std::string>& dims) {
  std::vector<std::string> coords = {"month"};
  for (const auto& d : dims)
    if (d == "city") {
      coords.insert(coords.end(), {"province", "macro_region", "coastal", "synthetic"});
      break;
    }
  return coords;
}

// CF flags: values 0, 1, ... with one blank-free word each.
void set_flags(h5::VariableSpec& spec, const std::vector<std::string>& meanings) {
  if (meanings.empty()) return;
  std::string joined;
  for (std::size_t i = 0; i < meanings.size(); ++i) {
    spec.flag_values.push_back(static_cast<std::int64_t>(i));
    joined += (i ? " " : "") + meanings[i];
  }
  spec.attributes.emplace_back("flag_meanings", joined);
}

}  // namespace

void check_output_target(const std::filesystem::path& path, bool force, const std::vector<std::filesystem::path>& inputs) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return;
  if (!std::filesystem::is_regular_file(status)) {
    const char* kind = std::filesystem::is_directory(status)       ? "a directory"
                       : std::filesystem::is_character_file(status) ? "a character device"
                       : std::filesystem::is_block_file(status)     ? "a block device"
                       : std::filesystem::is_fifo(status)           ? "a FIFO"
                       : std::filesystem::is_socket(status)         ? "a socket"
                                                                    : "not a regular file";
    throw InputError("output " + path.string() + " is " + kind +
                     "; pzsim writes results only to regular files and never replaces anything else, --force or not");
  }
  for (const auto& input : inputs)
    if (!input.empty() && std::filesystem::equivalent(path, input, ec))
      throw InputError("output " + path.string() + " is the scenario file " + input.string() +
                       " the run reads; choose another output name with -o");
  if (!force)
    throw InputError("output file " + path.string() + " already exists; use --force to overwrite it or -o to choose another name");
}

std::filesystem::path temporary_path_for(const std::filesystem::path& final_path) {
  constexpr std::size_t kNameMax = 255;  // bytes in one file name (NAME_MAX on Linux file systems)
  const std::string suffix = ".tmp-" + std::to_string(::getpid());
  std::string name = final_path.filename().string();
  if (name.size() + suffix.size() > kNameMax) {
    std::uint64_t hash = 1469598103934665603ull;  // FNV-1a of the full name
    for (const unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
    char tag[12];
    std::snprintf(tag, sizeof tag, "~%08x", static_cast<unsigned>(hash ^ (hash >> 32)));
    std::size_t keep = kNameMax - suffix.size() - std::strlen(tag);
    while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;  // whole UTF-8 characters
    name = name.substr(0, keep) + tag;
  }
  return final_path.parent_path() / (name + suffix);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path temp = temporary_path_for(path);
  std::error_code ec;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(temp, ec);
      throw IoError("cannot write " + path.string());
    }
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(temp, ec);
    throw IoError("cannot rename " + temp.string() + " to " + path.string() + ": " + reason);
  }
}

std::string describe_size(std::uintmax_t bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f MiB (%ju bytes)", static_cast<double>(bytes) / (1024.0 * 1024.0), bytes);
  return text;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ResultFile::ResultFile(std::filesystem::path final_path, bool force, const World& world, const RunMetadata& metadata)
    : final_path_(std::move(final_path)), force_(force) {
  const Scenario& sc = *world.scenario;
  std::error_code ec;
  check_output_target(final_path_, force_, {metadata.scenario_path});
  std::filesystem::path folder = final_path_.parent_path();
  if (folder.empty()) folder = ".";
  if (!std::filesystem::is_directory(folder, ec))
    throw IoError("cannot write " + final_path_.string() + ": folder " + folder.string() + " does not exist");
  if (::access(folder.c_str(), W_OK) != 0)
    throw IoError("cannot write " + final_path_.string() + ": folder " + folder.string() + " is not writable (" +
                  std::strerror(errno) + ")");
  const auto space = std::filesystem::space(folder, ec);
  const std::uintmax_t needed = estimate_output_bytes(world);
  if (!ec && space.available < needed)
    throw IoError("cannot write " + final_path_.string() + ": up to " + describe_size(needed) + " needed, " +
                  describe_size(space.available) + " free in " + folder.string());
  temp_path_ = temporary_path_for(final_path_);
  snapshot_every_ = sc.outputs.snapshot_every;

  writer_.emplace(h5::NcWriter::create(temp_path_, sc.outputs.compression));
  h5::NcWriter& w = *writer_;
  w.set_attribute("Conventions", "CF-1.8");
  w.set_attribute("title", "pzsim run: cross-border e-commerce pilot zones, jobs and exports");
  w.set_attribute("pzsim_version", kVersion);
  w.set_attribute("git_commit", kGitCommit);
  w.set_attribute("scenario_yaml", metadata.scenario_yaml);
  w.set_attribute("scenario_path", metadata.scenario_path);
  w.set_attribute("scenario_description", sc.description);
  w.set_attribute("seed", metadata.seed);
  w.set_attribute("role", metadata.role.empty() ? std::string("run") : metadata.role);
  std::string overrides;
  for (const auto& o : metadata.overrides) overrides += (overrides.empty() ? "" : "\n") + o;
  w.set_attribute("overrides", overrides);
  for (const auto& [name, value] : metadata.attributes) w.set_attribute(name, value);
  w.set_attribute("created_utc", utc_now_iso8601());
  w.set_attribute("sample_fraction", sc.scale.sample_fraction);
  w.set_attribute("scaling", "Firm agents stand for sample_fraction of China's trading firms and demand is scaled by "
                             "the same factor: divide flows and counts by sample_fraction for national units.");

  std::vector<std::string> cities, provinces, regions, destinations, sectors;
  std::vector<std::uint8_t> coastal, synthetic;
  for (const auto& c : sc.cities.list) {
    cities.push_back(c.name);
    provinces.push_back(c.province);
    regions.emplace_back(enum_name(c.region));
    coastal.push_back(c.coastal ? 1 : 0);
    synthetic.push_back(c.synthetic ? 1 : 0);
  }
  for (const auto& d : sc.destinations) destinations.push_back(d.name);
  for (const auto& s : sc.sectors) sectors.push_back(s.name);
  // CF time: month starts, with each month's bounds (its first day and the next month's), so
  // flows can say `cell_methods: "time: sum"` over the whole month.
  w.define_unlimited_dimension("time", "days since 1970-01-01", "standard", dimension_long_name("time"));
  w.set_variable_attribute("time", "standard_name", "time");
  w.set_variable_attribute("time", "axis", "T");
  w.set_variable_attribute("time", "bounds", "time_bnds");
  w.define_dimension("city", cities, dimension_long_name("city"));
  w.define_dimension("sector", sectors, dimension_long_name("sector"));
  w.define_dimension("destination", destinations, dimension_long_name("destination"));
  w.define_dimension("channel", std::vector<std::string>(kChannelNames.begin(), kChannelNames.end()),
                     dimension_long_name("channel"));
  w.define_dimension("customs_code", std::vector<std::string>(kCustomsCodeNames.begin(), kCustomsCodeNames.end()),
                     dimension_long_name("customs_code"));
  w.define_dimension("instrument", std::vector<std::string>(kInstrumentNames.begin(), kInstrumentNames.end()),
                     dimension_long_name("instrument"));
  const std::vector<std::string> accounts(kAccountSectorNames.begin(), kAccountSectorNames.end());
  w.define_dimension("payer", accounts, dimension_long_name("payer"));
  w.define_dimension("payee", accounts, dimension_long_name("payee"));
  w.define_dimension("nv", 2);  // the two ends of a time cell

  w.define_variable({.name = "time_bnds", .dims = {"time", "nv"}, .long_name = "first day of the month and of the next month"});
  for (const auto& c : coordinate_catalog()) {
    h5::VariableSpec spec;
    spec.name = c.name;
    spec.dims = {c.dim};
    spec.type = c.flag_meanings.empty() ? h5::ValueType::str : h5::ValueType::u8;
    spec.long_name = c.long_name;
    set_flags(spec, c.flag_meanings);
    w.define_variable(spec);
  }
  w.write("province", provinces);
  w.write("macro_region", regions);
  w.write("coastal", std::span<const std::uint8_t>(coastal));
  w.write("synthetic", std::span<const std::uint8_t>(synthetic));

  for (const auto& v : output_catalog()) {
    h5::VariableSpec spec;
    spec.name = v.name;
    spec.dims = {"time"};
    spec.dims.insert(spec.dims.end(), v.dims.begin(), v.dims.end());
    spec.type = v.type == OutputType::f64 ? h5::ValueType::f64 : (v.type == OutputType::i64 ? h5::ValueType::i64 : h5::ValueType::u8);
    spec.units = v.units;
    spec.long_name = v.long_name;
    spec.description = v.sample_units ? v.description + " " + kSampleUnitsNote : v.description;
    spec.coordinates = coordinates_for(spec.dims);
    if (!v.cell_methods.empty()) spec.attributes.emplace_back("cell_methods", v.cell_methods);
    if (!v.currency.empty()) spec.attributes.emplace_back("currency", v.currency);
    set_flags(spec, v.flag_meanings);
    w.define_variable(spec);
  }
}

ResultFile::~ResultFile() {
  if (committed_) return;
  writer_.reset();  // closes without throwing
  std::error_code ec;
  if (!temp_path_.empty()) std::filesystem::remove(temp_path_, ec);
}

void ResultFile::append_month(const World& world, const State& state, const MonthOutputs& out) {
  h5::NcWriter& w = *writer_;
  const Month month = world.clock.at(state.step);
  w.append_time(days_since_epoch(month));
  w.append("time_bnds", std::array<double, 2>{days_since_epoch(month), days_since_epoch(month + 1)});
  w.append("month", month.str());
  for (const auto& v : output_catalog()) {
    switch (v.type) {
      case OutputType::f64: w.append(v.name, v.f64(out)); break;
      case OutputType::i64: w.append(v.name, v.i64(out)); break;
      case OutputType::u8: w.append(v.name, v.u8(out)); break;
    }
  }
  if (snapshot_every_ > 0 && (state.step + 1) % snapshot_every_ == 0) write_snapshot(world, state);
  // Flush once a year so a full disk is found during the run, not only at the end.
  if ((state.step + 1) % 12 == 0) w.flush();
}

void ResultFile::write_snapshot(const World& world, const State& state) {
  h5::NcWriter& w = *writer_;
  const std::string group = "snapshots/" + world.clock.at(state.step).str();
  const FirmStore& f = state.firms;
  std::vector<std::int64_t> id(f.id.begin(), f.id.end()), city(f.city.begin(), f.city.end()),
      sector(f.sector.begin(), f.sector.end());
  w.write_group_dataset(group + "/firms", "id", std::span<const std::int64_t>(id));
  w.write_group_dataset(group + "/firms", "city", std::span<const std::int64_t>(city));
  w.write_group_dataset(group + "/firms", "sector", std::span<const std::int64_t>(sector));
  w.write_group_dataset(group + "/firms", "trader", std::span<const std::uint8_t>(f.trader));
  w.write_group_dataset(group + "/firms", "productivity", std::span<const double>(f.productivity));
  w.write_group_dataset(group + "/firms", "quality", std::span<const double>(f.quality));
  w.write_group_dataset(group + "/firms", "employees", std::span<const std::int32_t>(f.employees));
  w.write_group_dataset(group + "/firms", "cash_cny", std::span<const double>(f.cash_cny));
  w.write_group_dataset(group + "/firms", "credit_cny", std::span<const double>(f.credit_cny));
  w.write_group_dataset(group + "/firms", "active_market", std::span<const std::uint8_t>(f.active));
  w.write_group_dataset(group + "/firms", "products_market", std::span<const std::int32_t>(f.products));
  w.write_group_dataset(group + "/firms", "reputation_market", std::span<const double>(f.reputation));
  std::vector<std::int64_t> cid(state.consumers.id.begin(), state.consumers.id.end()),
      dest(state.consumers.group.begin(), state.consumers.group.end());
  w.write_group_dataset(group + "/consumers", "id", std::span<const std::int64_t>(cid));
  w.write_group_dataset(group + "/consumers", "destination", std::span<const std::int64_t>(dest));
  w.write_group_dataset(group + "/consumers", "weight", std::span<const double>(state.consumers.weight));
  w.write_group_dataset(group + "/consumers", "aware", std::span<const std::uint8_t>(state.consumers.adopted));
}

void ResultFile::commit(double wall_seconds) {
  finish(wall_seconds);
  publish();
}

void ResultFile::finish(double wall_seconds) {
  writer_->set_attribute("wall_seconds", wall_seconds);
  writer_->set_attribute("complete", std::int64_t{1});  // written last: a file without it is not a finished run
  writer_->close();
  writer_.reset();
  finished_ = true;
}

void ResultFile::publish() {
  if (!finished_) throw std::logic_error("ResultFile::publish before finish");
  std::error_code ec;
  if (!force_ && std::filesystem::exists(final_path_, ec))
    throw InputError("output file " + final_path_.string() + " appeared while the run was going; use --force to overwrite it");
  // Something else (a directory, a FIFO) may have taken the name meanwhile; never replace it.
  if (std::filesystem::exists(final_path_, ec) && !std::filesystem::is_regular_file(final_path_, ec))
    throw InputError("output " + final_path_.string() + " became something other than a regular file while the run was going");
  std::filesystem::rename(temp_path_, final_path_, ec);
  if (ec) throw IoError("cannot rename " + temp_path_.string() + " to " + final_path_.string() + ": " + ec.message());
  committed_ = true;
}

std::uintmax_t estimate_output_bytes(const World& world) {
  std::uintmax_t cells = 0;
  const auto size_of = [&](const std::string& dim) -> std::uintmax_t {
    if (dim == "city") return static_cast<std::uintmax_t>(world.cities);
    if (dim == "sector") return static_cast<std::uintmax_t>(world.sectors);
    if (dim == "destination") return static_cast<std::uintmax_t>(world.destinations);
    if (dim == "channel") return kChannels;
    if (dim == "customs_code") return kCustomsCodes;
    if (dim == "instrument") return kInstrumentCount;
    return kAccountSectors;
  };
  for (const auto& v : output_catalog()) {
    std::uintmax_t n = 1;
    for (const auto& d : v.dims) n *= size_of(d);
    cells += n;
  }
  // Uncompressed size plus 1 MiB of metadata: compression only makes it smaller.
  return cells * 8u * static_cast<std::uintmax_t>(world.clock.months) + (1u << 20);
}

}  // namespace pzsim
