#include "sim/run/summary.hpp"

#include <cstdio>

namespace pzsim {

std::string run_summary_text(const Scenario& sc, const std::string& path, const RunResult& result) {
  const CitySeries& s = result.series;
  const std::size_t cities = static_cast<std::size_t>(s.cities());
  double exports = 0.0, cbec = 0.0, employment_start = 0.0, employment_end = 0.0;
  for (const double x : s.series("exports_usd")) exports += x;
  for (const double x : s.series("exports_cbec_usd")) cbec += x;
  const std::vector<double>& employment = s.series("employment");
  for (std::size_t c = 0; c < cities; ++c) {
    employment_start += employment[c];
    employment_end += employment[static_cast<std::size_t>(s.months() - 1) * cities + c];
  }
  const double to_national = 1.0 / sc.scale.sample_fraction;
  const Clock clock{sc.run.start, sc.run.months};
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "pzsim run: %s, seed %llu, %s to %s, %.1f s\n"
                "  exports over the run (national): USD %.1f bn, of which CBEC USD %.1f bn\n"
                "  employment (national, thousand): %.0f at the start, %.0f at the end\n"
                "  output: %s\n",
                path.c_str(), static_cast<unsigned long long>(sc.run.seed), sc.run.start.str().c_str(), clock.end().str().c_str(),
                result.wall_seconds, exports * to_national * 1e-9, cbec * to_national * 1e-9, employment_start * to_national * 1e-3,
                employment_end * to_national * 1e-3, result.file ? result.file->c_str() : "(none)");
  return buf;
}

}  // namespace pzsim
