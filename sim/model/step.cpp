#include "sim/model/economics.hpp"
#include "sim/model/rules.hpp"
#include "sim/model/simulation.hpp"

namespace pzsim {

void step(const World& w, State& s, MonthOutputs& out) {
  out.reset(w);
  // The policy story, in the order it happens each month.
  apply_zone_policy(w, s, out);       // zones approved so far set their instruments
  form_expectations(w, s);            // firms read last month's sales and their peers'
  enter_and_exit_markets(w, s, out);  // ... decide where and by which channel to sell
  list_products(w, s);                // ... how many products to list, how to ship
  set_prices(w, s);                   // ... and at what price
  suspend_accounts(w, s, out);        // the platform polices its sellers
  adopt_awareness(w, s, out);         // buyers abroad learn of Chinese sellers
  shop_cbec(w, s, out);               // ... and buy from them on the platform
  respond_foreign_competitors(w, s);  // foreign competitors answer China's prices and entry
  import_general_trade(w, s, out);    // importers buy the rest by general trade
  sell_at_home(w, s, out);            // firms sell at home
  shop_imports(w, s, out);            // Chinese shoppers buy abroad
  produce_and_hire(w, s, out);        // firms make what they sold and hire or lay off
  clear_labour_markets(w, s, out);    // wages and migration respond
  book_accounts(w, s, out);           // profit, taxes, credit, fiscal cost
  update_reputation(w, s);            // sales build reputations
  close_firms(w, s, out);             // insolvent and loss-making firms close
  relocate_firms(w, s, out);          // some move to zone cities
  give_birth_to_firms(w, s, out);     // new firms are born
  end_month(w, s, out);               // stocks are counted; the month's sales become last month's
}

void run_simulation(const Scenario& scenario, std::uint64_t seed, const MonthCallback& on_month,
                    const std::atomic<bool>* cancel) {
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
    step(world, state, out);
    if (on_month && t >= 0) on_month(world, state, out);
  }
}

}  // namespace pzsim
