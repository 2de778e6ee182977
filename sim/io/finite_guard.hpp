#pragma once
// The last check before a month's outputs are written or kept: every floating-point value
// must be finite. A NaN or an infinity means some scenario value drove the arithmetic out of
// range; writing it would hand the user a silently wrong answer, so the run stops instead.
#include <string>
#include <vector>

#include "sim/model/outputs.hpp"
#include "sim/model/state.hpp"

namespace pzsim {

// Throws NumericError naming the first non-finite value (variable, month, city or other
// coordinates) and the scenario values furthest from their defaults (the likely cause).
void require_finite_outputs(const World& world, const State& state, const MonthOutputs& out);

// The numeric scenario keys whose values are furthest (by orders of magnitude, or zero
// against a non-zero default) from the built-in defaults, as "key = value (default d)".
std::vector<std::string> values_far_from_defaults(const Scenario& scenario, std::size_t count);

}  // namespace pzsim
