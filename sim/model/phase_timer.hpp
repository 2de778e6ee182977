#pragma once
// Optional timing of step()'s phases, for `pzsim bench`. step() takes a PhaseTimer pointer;
// when it is null (every run but a benchmark) each phase boundary costs one pointer test.
// The timer never touches the model's state, so timed and untimed runs are identical.
#include <time.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace pzsim {

// step()'s phases in the order it calls them (the rule functions of sim/model/rules.hpp).
enum class Phase : int {
  apply_zone_policy,
  form_expectations,
  enter_and_exit_markets,
  list_products,
  set_prices,
  suspend_accounts,
  adopt_awareness,
  shop_cbec,
  respond_foreign_competitors,
  import_general_trade,
  sell_at_home,
  shop_imports,
  produce_and_hire,
  clear_labour_markets,
  book_accounts,
  update_reputation,
  close_firms,
  relocate_firms,
  give_birth_to_firms,
  end_month,
  count
};
inline constexpr std::size_t kPhaseCount = static_cast<std::size_t>(Phase::count);
inline constexpr std::array<const char*, kPhaseCount> kPhaseNames = {
    "apply_zone_policy", "form_expectations", "enter_and_exit_markets", "list_products",  "set_prices",
    "suspend_accounts",  "adopt_awareness",   "shop_cbec",              "respond_foreign_competitors",
    "import_general_trade", "sell_at_home",   "shop_imports",           "produce_and_hire",
    "clear_labour_markets", "book_accounts",  "update_reputation",      "close_firms",
    "relocate_firms",    "give_birth_to_firms", "end_month"};

// Seconds of CPU used by the whole process (all threads) so far.
inline double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Wall and process CPU seconds accumulated per phase, and the agents each step ended with.
class PhaseTimer {
 public:
  struct Totals {
    double wall_seconds = 0.0;
    double cpu_seconds = 0.0;
  };

  // Marks the start of a step's first phase.
  void start_step() {
    wall_mark_ = std::chrono::steady_clock::now();
    cpu_mark_ = process_cpu_seconds();
  }
  // Charges the time since the previous mark to `phase` and marks again.
  void lap(Phase phase) {
    const auto wall = std::chrono::steady_clock::now();
    const double cpu = process_cpu_seconds();
    Totals& t = totals_[static_cast<std::size_t>(phase)];
    t.wall_seconds += std::chrono::duration<double>(wall - wall_mark_).count();
    t.cpu_seconds += cpu - cpu_mark_;
    wall_mark_ = wall;
    cpu_mark_ = cpu;
  }
  // Counts the agents of a finished step (agent-steps, consumer-months).
  void end_step(std::size_t firms, std::size_t consumers, std::size_t shoppers) {
    ++steps_;
    firm_steps_ += firms;
    consumer_steps_ += consumers;
    shopper_steps_ += shoppers;
  }

  const Totals& phase(Phase p) const { return totals_[static_cast<std::size_t>(p)]; }
  std::uint64_t steps() const { return steps_; }
  std::uint64_t firm_steps() const { return firm_steps_; }
  std::uint64_t consumer_steps() const { return consumer_steps_; }
  std::uint64_t shopper_steps() const { return shopper_steps_; }

 private:
  std::array<Totals, kPhaseCount> totals_{};
  std::chrono::steady_clock::time_point wall_mark_{};
  double cpu_mark_ = 0.0;
  std::uint64_t steps_ = 0, firm_steps_ = 0, consumer_steps_ = 0, shopper_steps_ = 0;
};

}  // namespace pzsim
