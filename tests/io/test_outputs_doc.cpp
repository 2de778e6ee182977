// docs/outputs.md is generated (`pzsim outputs --markdown`) and the catalog it comes from is
// consistent with the CF attributes the writer derives from it.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "sim/io/outputs_markdown.hpp"
#include "sim/io/result_file.hpp"
#include "sim/model/outputs.hpp"

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The first line where two texts differ, for the failure message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(sa, la)), more_b = static_cast<bool>(std::getline(sb, lb));
    if (!more_a && !more_b) return "none";
    if (!more_a || !more_b || la != lb)
      return "line " + std::to_string(line) + ":\n  docs/outputs.md:  " + (more_a ? la : "(end)") +
             "\n  pzsim outputs --markdown: " + (more_b ? lb : "(end)");
  }
}

}  // namespace

TEST_CASE("docs/outputs.md is exactly the output of pzsim outputs --markdown", "[io]") {
  const std::string committed = read_text(std::string(PZSIM_SOURCE_DIR) + "/docs/outputs.md");
  const std::string generated = pzsim::outputs_markdown();
  // Regenerate with `build/sim/pzsim outputs --markdown > docs/outputs.md` when this fails.
  INFO("first difference at " << first_difference(committed, generated));
  CHECK(committed == generated);
}

TEST_CASE("the output catalog: every variable documented once, CF attributes consistent with its kind", "[io]") {
  std::set<std::string> names;
  const std::string markdown = pzsim::outputs_markdown();
  for (const auto& v : pzsim::output_catalog()) {
    INFO(v.name);
    CHECK(names.insert(v.name).second);
    CHECK(markdown.find("| `" + v.name + "` |") != std::string::npos);
    CHECK_FALSE(v.section.empty());
    CHECK_FALSE(v.description.empty());
    if (v.kind == pzsim::OutputKind::flow) CHECK(v.cell_methods == "time: sum");
    if (v.kind == pzsim::OutputKind::monthly_mean) CHECK(v.cell_methods.rfind("time: mean", 0) == 0);
    if (v.kind == pzsim::OutputKind::stock) CHECK(v.cell_methods.empty());
    // Money says its currency; its name ends in it.
    const bool usd = v.name.ends_with("_usd"), cny = v.name.ends_with("_cny");
    if (usd && v.name != "cny_per_usd") CHECK(v.currency == "USD");
    if (cny) CHECK(v.currency == "CNY");
    if (!usd && !cny) CHECK((v.currency.empty() || v.name == "cny_per_usd"));
    // UDUNITS strings the CF check accepts: "1" or "day"; flags have none and say what 0 and 1 mean.
    if (v.type == pzsim::OutputType::u8) {
      CHECK(v.units.empty());
      CHECK(v.flag_meanings.size() == 2);
    } else {
      CHECK((v.units == "1" || v.units == "day"));
      CHECK(v.flag_meanings.empty());
    }
    // Amounts summed over time are in sample units.
    if (v.kind == pzsim::OutputKind::flow) CHECK(v.sample_units);
  }
  for (const auto& c : pzsim::coordinate_catalog()) CHECK(names.insert(c.name).second);
}
