#pragma once
// Which runs a comparison needs: the counterfactual of a scenario (shared by every scenario
// whose counterfactual resolves to the same scenario) and the rollout without one batch.
#include <string>
#include <utility>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/scenario/scenario.hpp"

namespace pzsim {

// The counterfactual of a scenario: the same scenario with no zones. Settings that act only
// through zones (the selection rule and its parameters, the four instruments' strengths and
// ramps, followers' learning, the switch of the zone tax rules) are reset to their defaults and
// the description is dropped, so scenarios that differ only in where, when and how strongly
// zones act share one counterfactual, which then runs once per seed. Instrument effects, the
// other fiscal rules and the timeline stay: national floors act through them in every city.
Scenario counterfactual_of(const Scenario& scenario);

// Canonical text of a scenario for deciding whether two runs are the same: the resolved YAML
// with run.seed cleared (the seed is given per run).
std::string canonical_text(const Scenario& scenario);

// First 8 hex digits of the 64-bit FNV-1a hash of a text (run labels).
std::string hash8(const std::string& text);
// All 16 hex digits of the same hash (sweep run files).
std::string hash16(const std::string& text);

// Zone cities grouped by approval month inside the run window, in month order: the batches
// of leave-one-batch-out.
std::vector<std::pair<Month, std::vector<int>>> zone_batches(const Scenario& scenario);

// The scenario without the zones approved in `batch`: its zones become an explicit list of
// the others (whatever the selection rule was), everything else unchanged.
Scenario without_batch(const Scenario& scenario, Month batch);

}  // namespace pzsim
