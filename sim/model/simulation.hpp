#pragma once
// A run is a pure function of (scenario, seed): no global state, callable many times in
// one process (sweeps) and from any thread.
#include <atomic>
#include <cstdint>
#include <functional>

#include "sim/core/error.hpp"
#include "sim/model/outputs.hpp"
#include "sim/model/phase_timer.hpp"
#include "sim/model/state.hpp"

namespace pzsim {

// One month of the model: the policy story's phases in fixed order. `timer`, when set
// (pzsim bench), is charged each phase's time and counts the step's agents.
void step(const World& world, State& state, MonthOutputs& out, PhaseTimer* timer = nullptr);

// Called after each month with the state at its end and the month's outputs.
using MonthCallback = std::function<void(const World&, const State&, const MonthOutputs&)>;

// RunCancelled (sim/core/error.hpp) is thrown when a run is cancelled between months.

// Runs every month of the scenario with the given seed. `cancel`, when set, is checked
// between months; `timer`, when set, times every step's phases, burn-in included.
void run_simulation(const Scenario& scenario, std::uint64_t seed, const MonthCallback& on_month,
                    const std::atomic<bool>* cancel = nullptr, PhaseTimer* timer = nullptr);

}  // namespace pzsim
