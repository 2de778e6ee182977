#include "sim/calibrate/trace.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"

namespace pzsim::calibrate {

namespace {

bool parse_double(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

std::string trace_header(const Calibration& cal) {
  std::string h = "evaluation,phase";
  for (const auto& p : cal.parameters) h += "," + p.key;
  for (const auto& m : cal.moments) h += "," + m.id;
  return h + ",objective,wall_seconds";
}

std::string seeds_header(const Calibration& cal) {
  std::string h = "evaluation,seed";
  for (const auto& m : cal.moments) h += "," + m.id;
  return h;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  // A last line without its newline was cut by an interruption: drop it.
  in.clear();
  std::ifstream raw(path, std::ios::binary | std::ios::ate);
  const auto size = static_cast<std::streamoff>(raw.tellg());
  if (size > 0) {
    raw.seekg(size - 1);
    char last = 0;
    raw.get(last);
    if (last != '\n' && !lines.empty()) lines.pop_back();
  }
  return lines;
}

std::FILE* open_or_throw(const std::filesystem::path& path, const char* mode) {
  std::FILE* f = std::fopen(path.c_str(), mode);
  if (f == nullptr) throw IoError("cannot write " + path.string() + ": " + std::strerror(errno));
  return f;
}

void write_line(std::FILE* f, const std::string& line, const std::filesystem::path& path) {
  if (std::fputs(line.c_str(), f) < 0 || std::fputc('\n', f) == EOF || std::fflush(f) != 0)
    throw IoError("cannot write " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string Trace::key(const std::optional<std::vector<double>>& x) {
  if (!x) return "base";
  std::string k;
  for (double v : *x) k += (k.empty() ? "" : ",") + text::exact_text(v);
  return k;
}

Trace::Trace(const Calibration& cal, const std::filesystem::path& dir, bool resume)
    : cal_(cal), trace_path_(dir / "trace.csv"), seeds_path_(dir / "trace_seeds.csv") {
  const std::size_t p = cal.parameters.size(), k = cal.moments.size(), s = cal.seeds.size();
  if (resume && std::filesystem::exists(trace_path_) && std::filesystem::exists(seeds_path_)) {
    const auto trace_lines = read_lines(trace_path_), seed_lines = read_lines(seeds_path_);
    if (trace_lines.empty() || trace_lines.front() != trace_header(cal) || seed_lines.empty() || seed_lines.front() != seeds_header(cal))
      throw InputError(dir.string() + ": the trace files do not have this calibration's columns; start over with --force");
    // Per-seed values by evaluation, in seed order.
    std::map<int, std::vector<std::vector<double>>> per_seed;  // evaluation -> [seed][moment]
    for (std::size_t i = 1; i < seed_lines.size(); ++i) {
      const auto f = split(seed_lines[i], ',');
      if (f.size() != 2 + k) break;
      std::vector<double> v(k);
      bool ok = true;
      for (std::size_t m = 0; m < k; ++m) ok = ok && parse_double(f[2 + m], v[m]);
      const int evaluation = std::atoi(f[0].c_str());
      auto& seeds = per_seed[evaluation];
      if (!ok || f[1] != std::to_string(cal.seeds[std::min(seeds.size(), s - 1)]) || seeds.size() >= s) break;
      seeds.push_back(std::move(v));
    }
    for (std::size_t i = 1; i < trace_lines.size(); ++i) {
      const auto f = split(trace_lines[i], ',');
      if (f.size() != 4 + p + k) break;
      TraceRow row;
      row.evaluation = std::atoi(f[0].c_str());
      row.phase = f[1];
      if (row.evaluation != static_cast<int>(rows_.size())) break;
      if (row.phase != "base") {
        std::vector<double> x(p);
        bool ok = true;
        for (std::size_t j = 0; j < p; ++j) ok = ok && parse_double(f[2 + j], x[j]);
        if (!ok) break;
        row.x = std::move(x);
      }
      const auto it = per_seed.find(row.evaluation);
      if (it == per_seed.end() || it->second.size() != s) break;
      row.values.per_seed.assign(k, std::vector<double>(s));
      for (std::size_t m = 0; m < k; ++m)
        for (std::size_t j = 0; j < s; ++j) row.values.per_seed[m][j] = it->second[j][m];
      summarise(cal, row.values);
      parse_double(f[3 + p + k], row.values.wall_seconds);
      by_key_.emplace(key(row.x), rows_.size());
      rows_.push_back(std::move(row));
    }
  }
  // (Re)write both files with the complete evaluations only, then append to them.
  const auto rewrite = [&](const std::filesystem::path& path, const std::string& header, bool seeds) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    std::FILE* f = open_or_throw(tmp, "w");
    write_line(f, header, tmp);
    std::fclose(f);
    std::filesystem::rename(tmp, path);
    std::FILE* out = open_or_throw(path, "a");
    (seeds ? seeds_ : trace_) = out;
  };
  rewrite(trace_path_, trace_header(cal), false);
  rewrite(seeds_path_, seeds_header(cal), true);
  std::deque<TraceRow> kept;
  kept.swap(rows_);
  by_key_.clear();
  for (auto& row : kept) append(row.phase, row.x, std::move(row.values));
}

Trace::~Trace() {
  if (trace_ != nullptr) std::fclose(trace_);
  if (seeds_ != nullptr) std::fclose(seeds_);
}

const TraceRow* Trace::find(const std::optional<std::vector<double>>& x) const {
  const auto it = by_key_.find(key(x));
  return it == by_key_.end() ? nullptr : &rows_[it->second];
}

const TraceRow& Trace::append(const std::string& phase, const std::optional<std::vector<double>>& x, MomentValues values) {
  TraceRow row;
  row.evaluation = static_cast<int>(rows_.size());
  row.phase = phase;
  row.x = x;
  row.values = std::move(values);
  const std::string n = std::to_string(row.evaluation);
  for (std::size_t s = 0; s < cal_.seeds.size(); ++s) {
    std::string line = n + "," + std::to_string(cal_.seeds[s]);
    for (const auto& m : row.values.per_seed) line += "," + text::exact_text(m[s]);
    write_line(seeds_, line, seeds_path_);
  }
  std::string line = n + "," + phase;
  for (std::size_t j = 0; j < cal_.parameters.size(); ++j) line += "," + (x ? text::exact_text((*x)[j]) : std::string());
  for (double m : row.values.mean) line += "," + text::exact_text(m);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", row.values.wall_seconds);
  line += "," + text::exact_text(row.values.objective) + "," + seconds;
  write_line(trace_, line, trace_path_);
  by_key_.emplace(key(row.x), rows_.size());
  rows_.push_back(std::move(row));
  return rows_.back();
}

}  // namespace pzsim::calibrate
