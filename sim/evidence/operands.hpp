#pragma once
// Reading an evidence row's operands from run files (sim/evidence internals, used by
// measure.cpp): monthly variables summed or averaged over months, cities and groups,
// snapshot datasets, and values from the run's own scenario.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/evidence/targets.hpp"
#include "sim/io/run_reader.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim::evidence {

// The run files lack a variable the row reads: reported in the row, not an error.
struct MissingInput {
  std::string message;
};

// Lazily read, cached contents of one run file.
class RunCache {
 public:
  explicit RunCache(const RunFile& file) : file_(file) {}
  const RunFile& file() const { return file_; }

  const RunArray& array(const std::string& variable) {
    auto it = arrays_.find(variable);
    if (it != arrays_.end()) return it->second;
    if (!file_.has_variable(variable))
      throw MissingInput{file_.path().string() + " has no variable '" + variable + "' (written by another pzsim version?)"};
    RunArray a = file_.read(variable);
    if (a.dims.empty() || a.dims.front() != "time")
      throw InputError("variable '" + variable + "' of " + file_.path().string() + " is not a monthly output");
    return arrays_.emplace(variable, std::move(a)).first->second;
  }
  const std::vector<std::string>& labels(const std::string& dim) {
    auto it = labels_.find(dim);
    if (it == labels_.end()) it = labels_.emplace(dim, file_.coordinate(dim)).first;
    return it->second;
  }
  const std::vector<double>& numbers(const std::string& name) {
    auto it = numbers_.find(name);
    if (it == numbers_.end()) it = numbers_.emplace(name, file_.numeric_coordinate(name)).first;
    return it->second;
  }
  const std::vector<double>& cny_per_usd() { return array("cny_per_usd").values; }
  double sample_fraction() {
    if (!sample_fraction_) sample_fraction_ = file_.sample_fraction();
    return *sample_fraction_;
  }
  const yaml::Node& scenario() {
    if (!scenario_)
      scenario_ = yaml::load_string(file_.attribute("scenario_yaml"), file_.path().string() + " (scenario_yaml)",
                                    yaml::Limits{std::uintmax_t{64} << 20, 64, 2000000, std::size_t{256} << 20, 16});
    return *scenario_;
  }

 private:
  const RunFile& file_;
  std::map<std::string, RunArray> arrays_;
  std::map<std::string, std::vector<std::string>> labels_;
  std::map<std::string, std::vector<double>> numbers_;
  std::optional<double> sample_fraction_;
  std::optional<yaml::Node> scenario_;
};

struct SeedCaches {
  RunCache policy;
  std::optional<RunCache> counterfactual;
};

// The position of label in labels; an InputError with a did-you-mean otherwise.
std::size_t index_of(const std::vector<std::string>& labels, const std::string& label, const std::string& what);

// Values of one grouped or scalar operand.
struct OperandValue {
  std::vector<std::string> groups;  // empty for a scalar
  std::vector<double> values;       // one per group, or one
};

// One operand's value in one seed's runs.
OperandValue evaluate(const Operand& op, SeedCaches& caches);

}  // namespace pzsim::evidence
