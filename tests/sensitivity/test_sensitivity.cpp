// `pzsim sensitivity` on a synthetic sweep.h5 in the contract-5 layout: the reader (window,
// reduction, seeds, extra dimensions, missing runs, design checks) and the command itself.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <sstream>

#include "sim/sensitivity/sensitivity.hpp"
#include "tests/sensitivity/saltelli_fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace pzsim;
using namespace pzsim::sensitivity;

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

CommandResult run_pzsim(const std::string& arguments, const std::filesystem::path& scratch) {
  const auto err_file = scratch / "stderr.txt";
  const std::string command = std::string(PZSIM_BINARY) + " " + arguments + " 2>" + err_file.string();
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) r.out += buffer.data();
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  return r;
}

// "output,cell,factor" -> the eight numbers of a CSV row.
std::map<std::string, std::vector<double>> parse_csv(const std::string& csv) {
  std::map<std::string, std::vector<double>> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    for (std::string f; std::getline(cells, f, ',');) fields.push_back(f);
    REQUIRE(fields.size() == 9);
    std::vector<double> numbers;
    for (std::size_t i = 3; i < 9; ++i) numbers.push_back(std::stod(fields[i]));
    rows[fields[0] + "," + fields[1] + "," + fields[2]] = numbers;
  }
  return rows;
}

}  // namespace

TEST_CASE("sweep.h5 reader reduces each run over the window and averages the seeds", "[sensitivity]") {
  testing::ScratchDir dir("pzsim-sensitivity");
  testing::write_ishigami_sweep(dir.path(), {.base_samples = 8});
  const auto all = read_saltelli_outputs(dir.path() / "sweep.h5", "ishigami", std::nullopt, Reduce::mean);
  CHECK(all.base_samples == 8);
  CHECK(all.factors == std::vector<std::string>{"x1", "x2", "x3"});
  CHECK(all.seeds == 2);
  CHECK(all.months == 24);
  CHECK(all.window.first == 2016);
  CHECK(all.window.last == 2017);
  REQUIRE(all.labels == std::vector<std::string>{"aggregate=nation", "aggregate=zone"});
  REQUIRE(all.values[0].size() == 8 * 5);

  const auto points = testing::saltelli_points(8, 3, -testing::kPi, testing::kPi);
  const testing::Ishigami f;
  const auto y2016 = read_saltelli_outputs(dir.path() / "sweep.h5", "ishigami", YearWindow{2016, 2016}, Reduce::sum);
  const auto end = read_saltelli_outputs(dir.path() / "sweep.h5", "ishigami", YearWindow{2016, 2017}, Reduce::end);
  CHECK(y2016.months == 12);
  for (std::size_t p = 0; p < points.size(); ++p) {
    const auto& x = points[p];
    CHECK(y2016.values[0][p] == Approx(12.0 * f(x[0], x[1], x[2])));
    CHECK(end.values[0][p] == Approx(10.0 * x[2]));
    CHECK(all.values[0][p] == Approx((f(x[0], x[1], x[2]) + 10.0 * x[2]) / 2.0));
    CHECK(all.values[1][p] == Approx(3.0 + 2.0 * x[1]));
  }
}

TEST_CASE("sweep.h5 reader refuses files that are not Saltelli sweeps in contract-5 layout", "[sensitivity]") {
  testing::ScratchDir dir("pzsim-sensitivity");
  const auto file = dir.path() / "sweep.h5";
  CHECK_THAT(testing::input_error_of([&] { read_saltelli_outputs(file, "ishigami", std::nullopt, Reduce::mean); }),
             Catch::Contains("does not exist"));
  testing::write_ishigami_sweep(dir.path(), {.base_samples = 4, .design = "lhs"});
  CHECK_THAT(testing::input_error_of([&] { read_saltelli_outputs(file, "ishigami", std::nullopt, Reduce::mean); }),
             Catch::Contains("'lhs' sweep"));
  testing::write_ishigami_sweep(dir.path(), {.base_samples = 4});
  CHECK_THAT(testing::input_error_of([&] { read_saltelli_outputs(file, "exports", std::nullopt, Reduce::mean); }),
             Catch::Contains("no collected variable 'exports' (collected: ishigami)"));
  CHECK_THAT(testing::input_error_of([&] { read_saltelli_outputs(file, "ishigami", YearWindow{2020, 2021}, Reduce::mean); }),
             Catch::Contains("covers 2016-2017"));
  CHECK_THAT(testing::input_error_of([] { parse_year_window("2016-20"); }), Catch::Contains("FIRST-LAST"));
  CHECK_THAT(testing::input_error_of([] { parse_year_window("2018-2016"); }), Catch::Contains("ends before"));
  CHECK(parse_year_window("2016").last == 2016);

  // Points out of block order: the factor columns show AB_1 is not A with column 1 from B.
  testing::write_ishigami_sweep(dir.path(), {.base_samples = 4, .reversed_points = true});
  CHECK_THAT(testing::input_error_of([&] { read_saltelli_outputs(file, "ishigami", std::nullopt, Reduce::mean); }),
             Catch::Contains("of block AB_1") && Catch::Contains("a Saltelli design takes it from block"));
}

TEST_CASE("pzsim sensitivity recovers the Ishigami indices from a sweep folder", "[sensitivity][app]") {
  testing::ScratchDir dir("pzsim-sensitivity");
  const std::size_t n = 2048;
  testing::write_ishigami_sweep(dir.path() / "sweep", {.base_samples = n, .broken_point = 5});
  const std::string folder = (dir.path() / "sweep").string();

  const CommandResult r = run_pzsim("sensitivity " + folder + " --output ishigami --window 2016 --format csv", dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto rows = parse_csv(r.out);
  REQUIRE(rows.size() == 6);
  const testing::Ishigami f;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string factor = "x" + std::to_string(i + 1);
    const auto& x = rows.at("ishigami,aggregate=nation," + factor);
    INFO(factor << ": S1 " << x[0] << " [" << x[1] << ", " << x[2] << "], ST " << x[3] << " [" << x[4] << ", " << x[5] << "]");
    CHECK((x[1] <= f.first_order()[i] && f.first_order()[i] <= x[2]));
    CHECK((x[4] <= f.total()[i] && f.total()[i] <= x[5]));
    CHECK(x[2] - x[1] < 0.15);
    // zone = 3 + 2 x2: x2 explains everything, x1 and x3 nothing (exactly: their AB rows equal A's).
    const auto& zone = rows.at("ishigami,aggregate=zone," + factor);
    CHECK(zone[0] == Approx(i == 1 ? 1.0 : 0.0).margin(i == 1 ? 0.1 : 1e-12));
    CHECK(zone[3] == Approx(i == 1 ? 1.0 : 0.0).margin(i == 1 ? 0.1 : 1e-12));
  }

  // 2017: nation = 10 x3, so x3's first-order index is about 1; the table says what was used.
  const CommandResult table = run_pzsim("sensitivity " + folder + " --output ishigami --window 2017-2017 --reduce end", dir.path());
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("2048 base samples (2047 used)") && Catch::Contains("end over 2017-2017 (12 months)") &&
                            Catch::Contains("first order: Saltelli (2010); total: Jansen (1999)"));
  const auto y2017 = parse_csv(run_pzsim("sensitivity " + folder + " --output ishigami --window 2017 --format csv", dir.path()).out);
  CHECK(y2017.at("ishigami,aggregate=nation,x3")[0] == Approx(1.0).margin(0.05));

  const CommandResult missing = run_pzsim("sensitivity " + folder + " --output exports", dir.path());
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("no collected variable 'exports'"));
  CHECK(run_pzsim("sensitivity " + folder, dir.path()).exit_code == 2);                       // --output is required
  CHECK(run_pzsim("sensitivity " + folder + " --output ishigami --window 20x6", dir.path()).exit_code == 2);
  const CommandResult help = run_pzsim("sensitivity --help", dir.path());
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--output") && Catch::Contains("--window") && Catch::Contains("--reduce"));
}
