#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"
#include "sim/model/simulation.hpp"

namespace pzsim {

void step(const World& w, State& s, MonthOutputs& out, PhaseTimer* timer) {
  out.reset(w);
  // pzsim bench times each phase; otherwise a lap is one pointer test.
  const auto lap = [timer](Phase phase) {
    if (timer != nullptr) timer->lap(phase);
  };
  if (timer != nullptr) timer->start_step();
  // The policy story, in the order it happens each month.
  apply_zone_policy(w, s, out); lap(Phase::apply_zone_policy);          // zones approved so far set their instruments
  form_expectations(w, s); lap(Phase::form_expectations);               // firms read last month's sales and their peers'
  enter_and_exit_markets(w, s, out); lap(Phase::enter_and_exit_markets);  // ... decide where and by which channel to sell
  list_products(w, s); lap(Phase::list_products);                       // ... how many products to list, how to ship
  set_prices(w, s); lap(Phase::set_prices);                             // ... and at what price
  suspend_accounts(w, s, out); lap(Phase::suspend_accounts);            // the platform polices its sellers
  adopt_awareness(w, s, out); lap(Phase::adopt_awareness);              // buyers abroad learn of Chinese sellers
  shop_cbec(w, s, out); lap(Phase::shop_cbec);                          // ... and buy from them on the platform
  respond_foreign_competitors(w, s); lap(Phase::respond_foreign_competitors);  // foreign competitors answer China's prices and entry
  import_general_trade(w, s, out); lap(Phase::import_general_trade);    // importers buy the rest by general trade
  sell_at_home(w, s, out); lap(Phase::sell_at_home);                    // firms sell at home
  shop_imports(w, s, out); lap(Phase::shop_imports);                    // Chinese shoppers buy abroad
  produce_and_hire(w, s, out); lap(Phase::produce_and_hire);            // firms make what they sold and hire or lay off
  clear_labour_markets(w, s, out); lap(Phase::clear_labour_markets);    // wages and migration respond
  book_accounts(w, s, out); lap(Phase::book_accounts);                  // profit, taxes, credit, fiscal cost
  update_reputation(w, s); lap(Phase::update_reputation);               // sales build reputations
  close_firms(w, s, out); lap(Phase::close_firms);                      // insolvent and loss-making firms close
  relocate_firms(w, s, out); lap(Phase::relocate_firms);                // some move to zone cities
  give_birth_to_firms(w, s, out); lap(Phase::give_birth_to_firms);      // new firms are born
  end_month(w, s, out); lap(Phase::end_month);                          // stocks are counted; the month's sales become last month's
  if (timer != nullptr) timer->end_step(s.firms.size(), s.consumers.size(), s.shoppers.size());
}

void run_simulation(const Scenario& scenario, std::uint64_t seed, const MonthCallback& on_month,
                    const std::atomic<bool>* cancel, PhaseTimer* timer) {
  const World world = build_world(scenario, seed);
  State state = initial_state(world);
  MonthOutputs out;
  // Burn-in steps are negative: they run under the first month's conditions and are not
  // reported, so the first reported month starts near the model's own equilibrium.
  for (int t = -world.burn_in; t < world.clock.months; ++t) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw RunCancelled{};
    state.step = t;
    // Burn-in moved firms into and out of markets: re-anchor China's import shares so the
    // first reported month starts from the scenario's shares.
    if (t == 0 && world.burn_in > 0) calibrate_competitors(world, state);
    step(world, state, out, timer);
    if (on_month && t >= 0) on_month(world, state, out);
  }
}

}  // namespace pzsim
