#pragma once
// Shared by parse.cpp (YAML tree -> Scenario) and validate.cpp (checks across fields); not for
// use elsewhere.
#include <map>
#include <string>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace pzsim::parse_detail {

// Where each key path was written, for errors found after parsing (cross-references).
using PositionIndex = std::map<std::string, yaml::Position>;

// Throws InputError "file:line:column: key.path: what; expected <expected>".
[[noreturn]] void fail(const yaml::Position& pos, const std::string& path, const std::string& what,
                       const std::string& expected = {});
std::string format_number(double x);

// Consistency across fields, each error at the position of the offending value. Fills in
// omitted city attributes and turns synthetic cities into listed ones first.
void validate(Scenario& s, const PositionIndex& positions, const std::string& file);

}  // namespace pzsim::parse_detail
