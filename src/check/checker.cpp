// The checker: resolves names, types every expression, folds structural
// constants and validates tier tables and curves. See checker.hpp.
#include "check/checker.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

namespace icm::check {

namespace ast = syntax::ast;
namespace x3 = boost::spirit::x3;

std::string_view to_string(value_type t) {
  switch (t) {
    case value_type::money: return "money";
    case value_type::ratio: return "ratio";
    case value_type::number: return "number";
    case value_type::count: return "count";
    case value_type::boolean: return "condition";
    case value_type::text: return "text";
    case value_type::date: return "date";
    case value_type::error: return "error";
  }
  return "error";
}

std::string_view to_string(aggregate_fn f) {
  switch (f) {
    case aggregate_fn::sum: return "sum";
    case aggregate_fn::count: return "count";
    case aggregate_fn::min: return "min";
    case aggregate_fn::max: return "max";
    case aggregate_fn::avg: return "avg";
  }
  return "sum";
}

std::string_view to_string(modifier_kind m) {
  switch (m) {
    case modifier_kind::gate: return "gate";
    case modifier_kind::multiplier: return "multiplier";
    case modifier_kind::cap: return "cap";
    case modifier_kind::floor: return "floor";
  }
  return "cap";
}

std::optional<int> currency_minor_digits(std::string_view code) {
  // ISO 4217 exponents of the currencies a comp plan is likely to pay in.
  static const std::unordered_map<std::string_view, int> table = {
      {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"CAD", 2}, {"AUD", 2}, {"NZD", 2}, {"CHF", 2},
      {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"INR", 2},
      {"CNY", 2}, {"HKD", 2}, {"SGD", 2}, {"MXN", 2}, {"BRL", 2}, {"ZAR", 2}, {"ILS", 2},
      {"AED", 2}, {"SAR", 2}, {"TRY", 2}, {"THB", 2}, {"MYR", 2}, {"PHP", 2}, {"RON", 2},
      {"JPY", 0}, {"KRW", 0}, {"CLP", 0}, {"ISK", 0}, {"VND", 0}, {"HUF", 2}, {"IDR", 2},
      {"KWD", 3}, {"BHD", 3}, {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"LYD", 3}, {"IQD", 3},
  };
  auto it = table.find(code);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

namespace {

enum class scope {
  payee_period,      // measures, components: per payee and period
  credit_rule,       // a credit rule's condition: one transaction row
  aggregate_filter,  // an aggregate's `where`: one credit (row + credit + rollup)
};

bool is_numeric(value_type t) {
  return t == value_type::money || t == value_type::ratio || t == value_type::number ||
         t == value_type::count;
}

bool is_row_value(const bound_expr& e) {
  switch (e.kind) {
    case node_kind::column:
    case node_kind::txn_amount:
    case node_kind::txn_date:
    case node_kind::txn_currency:
    case node_kind::txn_payee:
    case node_kind::credit_amount: return true;
    default: return false;
  }
}

// The value of an expression built only from constants, for tier bounds,
// curve points and weights.
std::optional<decimal> fold(const bound_expr& e) {
  switch (e.kind) {
    case node_kind::constant:
      if (is_numeric(e.type)) return e.number;
      return std::nullopt;
    case node_kind::neg: {
      auto v = fold(e.args[0]);
      if (v) return -*v;
      return std::nullopt;
    }
    case node_kind::add:
    case node_kind::sub:
    case node_kind::mul: {
      auto a = fold(e.args[0]);
      auto b = fold(e.args[1]);
      if (!a || !b) return std::nullopt;
      if (e.kind == node_kind::add) return *a + *b;
      if (e.kind == node_kind::sub) return *a - *b;
      return *a * *b;
    }
    default: return std::nullopt;
  }
}

// The single operand an expression consists of, seen through the one-chain-
// per-precedence-level nesting of the parser; null when it has operators.
const ast::operand* sole_operand(const ast::expression& e) {
  const ast::expression* chain = &e;
  while (chain->rest.empty()) {
    auto* inner = boost::get<x3::forward_ast<ast::binary_chain>>(&chain->first);
    if (!inner) return &chain->first;
    chain = &inner->get();
  }
  return nullptr;
}

// A bare word argument such as `count` in quota("meetings", count) or
// `half_up` in round(x, 0.01, half_up).
const ast::name_ref* bare_word(const ast::expression& e) {
  auto* op = sole_operand(e);
  return op ? boost::get<ast::name_ref>(op) : nullptr;
}

// Two expressions denote the same value (used for "the base is the
// numerator of the attainment").
bool same_value(const bound_expr& a, const bound_expr& b) {
  if (a.kind != b.kind || a.index != b.index || a.text != b.text || a.args.size() != b.args.size())
    return false;
  if (a.kind == node_kind::constant && !(a.number == b.number)) return false;
  for (std::size_t i = 0; i < a.args.size(); ++i)
    if (!same_value(a.args[i], b.args[i])) return false;
  return true;
}

class checker {
 public:
  checker(const syntax::parsed_plan& parsed, diagnostics& diags)
      : parsed_(parsed), diags_(diags) {}

  std::optional<checked_plan> run() {
    const ast::plan_file& file = parsed_.plan();
    out_.file = parsed_.file();
    header(file.header);
    // Pass 1: declarations and measure names, so that order does not matter.
    for (const auto& st : file.statements) {
      if (auto* c = boost::get<ast::columns_decl>(&st)) columns(*c);
      else if (auto* a = boost::get<ast::attribute_decl>(&st)) attribute(*a);
      else if (auto* m = boost::get<ast::measure_def>(&st)) declare_measure(*m);
    }
    // Pass 2: everything that uses names.
    for (const auto& st : file.statements) {
      if (auto* r = boost::get<ast::credit_rule>(&st)) credit_rule(*r);
      else if (auto* c = boost::get<ast::component_def>(&st)) component(*c);
    }
    for (std::uint32_t i = 0; i < measure_asts_.size(); ++i) bind_measure(i, *measure_asts_[i]);
    if (out_.rules.empty())
      error(file.header, "the plan has no credit rule: no transaction would be credited");
    if (out_.components.empty()) error(file.header, "the plan has no component: nothing would be paid");
    if (diags_.has_errors()) return std::nullopt;
    return std::move(out_);
  }

 private:
  const syntax::parsed_plan& parsed_;
  diagnostics& diags_;
  checked_plan out_;

  // Measures: declared in pass 1, bound on first use (any order), with cycle
  // detection.
  enum class binding { unbound, in_progress, bound, failed };
  std::vector<const ast::measure_def*> measure_asts_;
  std::vector<binding> measure_state_;
  std::unordered_map<std::string, std::uint32_t> measure_index_;
  std::unordered_map<std::string, std::uint32_t> component_index_;
  std::vector<std::string> seen_settings_;

  source_location at(const x3::position_tagged& node) const { return parsed_.locate(node); }
  void error(const x3::position_tagged& node, std::string message) {
    diags_.error(at(node), std::move(message));
  }
  void error(const source_location& where, std::string message) {
    diags_.error(where, std::move(message));
  }

  static bound_expr failed(source_location where) {
    bound_expr e;
    e.type = value_type::error;
    e.where = std::move(where);
    return e;
  }

  // ---- header ----------------------------------------------------------------

  void header(const ast::plan_header& h) {
    out_.settings.name = h.name.value;
    if (h.name.value.empty()) error(h.name, "the plan needs a name");
    bool has_currency = false, has_period = false, has_year = false;
    for (const auto& item : h.items) {
      if (auto* s = boost::get<ast::setting>(&item)) {
        if (std::find(seen_settings_.begin(), seen_settings_.end(), s->key) != seen_settings_.end()) {
          error(*s, fmt::format("'{}' is set twice in the plan header", s->key));
          continue;
        }
        seen_settings_.push_back(s->key);
        has_currency |= s->key == "currency";
        has_period |= s->key == "period";
        has_year |= s->key == "year";
        setting(*s);
      }
    }
    if (!has_currency) error(h, "the plan header needs 'currency' (e.g. currency USD)");
    if (!has_period) error(h, "the plan header needs 'period' (month, quarter or year)");
    if (!has_year) error(h, "the plan header needs 'year' (e.g. year 2026)");
    // cap and draw may use measures: bound after the settings they depend on.
    for (const auto& item : h.items) {
      if (auto* c = boost::get<ast::plan_cap>(&item)) {
        if (out_.settings.plan_cap) {
          error(*c, "the plan-level cap is set twice");
          continue;
        }
        auto amount = bind(c->amount, scope::payee_period);
        expect_money(amount, "the plan-level cap");
        out_.settings.plan_cap = std::move(amount);
      } else if (auto* d = boost::get<ast::draw_setting>(&item)) {
        draw(*d);
      }
    }
  }

  std::optional<int> small_int(const ast::setting& s, int lo, int hi) {
    int v = 0;
    bool ok = !s.value.empty() && s.value.size() <= 6 &&
              std::all_of(s.value.begin(), s.value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) {
      for (char c : s.value) v = v * 10 + (c - '0');
      ok = v >= lo && v <= hi;
    }
    if (!ok) {
      error(s, fmt::format("'{}' must be a whole number from {} to {}, not '{}'", s.key, lo, hi, s.value));
      return std::nullopt;
    }
    return v;
  }

  void setting(const ast::setting& s) {
    auto& st = out_.settings;
    if (s.key == "currency") {
      auto digits = currency_minor_digits(s.value);
      if (!digits) {
        error(s, fmt::format("unknown currency '{}' (expected an ISO 4217 code such as USD, EUR, JPY)",
                             s.value));
        return;
      }
      st.currency = s.value;
      st.minor_digits = *digits;
    } else if (s.key == "period") {
      if (s.value == "month") st.unit = period_unit::month;
      else if (s.value == "quarter") st.unit = period_unit::quarter;
      else if (s.value == "year") st.unit = period_unit::year;
      else error(s, fmt::format("unknown period '{}' (expected month, quarter or year)", s.value));
    } else if (s.key == "year") {
      if (auto v = small_int(s, 1900, 9999)) st.year = *v;
    } else if (s.key == "precision") {
      if (auto v = small_int(s, 0, 100)) st.precision = *v;
    } else if (s.key == "rounding") {
      if (auto m = parse_rounding_mode(s.value)) st.rounding = *m;
      else
        error(s, fmt::format("unknown rounding mode '{}' (expected half_even, half_up, half_down, "
                             "down, up, floor or ceiling)",
                             s.value));
    } else if (s.key == "negative_totals") {
      if (s.value == "carry") st.pay_negative_totals = false;
      else if (s.value == "pay") st.pay_negative_totals = true;
      else error(s, fmt::format("unknown negative_totals '{}' (expected carry or pay)", s.value));
    } else if (s.key == "rollup") {
      if (auto v = small_int(s, 0, 64)) st.rollup_depth = *v;
    } else if (s.key == "prorate") {
      if (s.value == "quotas") st.prorate_quotas = true;
      else error(s, fmt::format("only quotas are prorated: write 'prorate quotas', not '{}'", s.value));
    } else {
      error(s, fmt::format("unknown plan setting '{}'", s.key));
    }
  }

  void draw(const ast::draw_setting& d) {
    if (out_.settings.draw) {
      error(d, "the draw is set twice");
      return;
    }
    draw_def def;
    def.where = at(d);
    if (d.kind == "recoverable") def.kind = draw_kind::recoverable;
    else if (d.kind == "guarantee") def.kind = draw_kind::guarantee;
    else error(d, fmt::format("unknown draw '{}' (expected recoverable or guarantee)", d.kind));
    def.amount = bind(d.amount, scope::payee_period);
    expect_money(def.amount, "the draw");
    if (d.until) {
      auto p = parse_period(d.until->text);
      if (!p) {
        error(*d.until, fmt::format("bad period '{}' (expected 2026-Q2, 2026-03 or 2026)", d.until->text));
      } else if (p->unit != out_.settings.unit || p->year != out_.settings.year) {
        error(*d.until, fmt::format("'until {}' is not a period of this plan ({} periods of {})",
                                    d.until->text, unit_name(out_.settings.unit), out_.settings.year));
      } else {
        def.until = *p;
      }
    }
    out_.settings.draw = std::move(def);
  }

  static std::string_view unit_name(period_unit u) {
    switch (u) {
      case period_unit::month: return "month";
      case period_unit::quarter: return "quarter";
      case period_unit::year: return "year";
    }
    return "quarter";
  }

  // ---- declarations -----------------------------------------------------------

  static bool is_builtin_column(std::string_view n) {
    return n == "txn_id" || n == "date" || n == "payee_id" || n == "amount" || n == "currency";
  }

  void columns(const ast::columns_decl& c) {
    for (const auto& id : c.names) {
      if (is_builtin_column(id.name)) {
        error(id, fmt::format("'{}' is a built-in column of transactions.csv; do not declare it", id.name));
      } else if (std::find(out_.columns.begin(), out_.columns.end(), id.name) != out_.columns.end()) {
        error(id, fmt::format("column '{}' is declared twice", id.name));
      } else {
        out_.columns.push_back(id.name);
      }
    }
  }

  void attribute(const ast::attribute_decl& a) {
    static const std::pair<std::string_view, value_type> types[] = {
        {"money", value_type::money}, {"ratio", value_type::ratio}, {"number", value_type::number},
        {"count", value_type::count}, {"text", value_type::text},   {"date", value_type::date}};
    std::optional<value_type> t;
    for (auto& [n, vt] : types)
      if (a.type.name == n) t = vt;
    if (!t) {
      error(a.type, fmt::format("unknown type '{}' (expected money, ratio, number, count, text or date)",
                                a.type.name));
      return;
    }
    if (a.name.name == "target_incentive") {
      error(a.name, "target_incentive is built in (money); do not declare it");
      return;
    }
    if (find_attribute(a.name.name)) {
      error(a.name, fmt::format("attribute '{}' is declared twice", a.name.name));
      return;
    }
    out_.attributes.push_back({a.name.name, *t, at(a.name)});
  }

  const attribute_def* find_attribute(const std::string& name) {
    for (auto& a : out_.attributes)
      if (a.name == name) return &a;
    return nullptr;
  }

  std::uint32_t attribute_slot(const std::string& name, value_type type, const source_location& where) {
    for (std::uint32_t i = 0; i < out_.attributes.size(); ++i)
      if (out_.attributes[i].name == name) return i;
    out_.attributes.push_back({name, type, where});
    return static_cast<std::uint32_t>(out_.attributes.size() - 1);
  }

  void declare_measure(const ast::measure_def& m) {
    const auto& n = m.name.name;
    if (measure_index_.count(n)) {
      error(m.name, fmt::format("measure '{}' is defined twice", n));
      return;
    }
    if (n == "quota" || n == "target_incentive" || n == "credit" || is_builtin_column(n)) {
      error(m.name, fmt::format("'{}' is a built-in name and cannot be a measure", n));
      return;
    }
    auto index = static_cast<std::uint32_t>(measure_asts_.size());
    measure_index_[n] = index;
    measure_asts_.push_back(&m);
    measure_state_.push_back(binding::unbound);
    out_.measures.push_back({n, failed(at(m)), at(m.name)});
  }

  void bind_measure(std::uint32_t i, const ast::measure_def& m) {
    if (measure_state_[i] != binding::unbound) return;
    measure_state_[i] = binding::in_progress;
    auto value = bind(m.value, scope::payee_period);
    if (value.type == value_type::text || value.type == value_type::date) {
      error(value.where, fmt::format("measure '{}' must be a number, amount, ratio or condition, not {}",
                                     m.name.name, to_string(value.type)));
      value.type = value_type::error;
    }
    measure_state_[i] = value.type == value_type::error ? binding::failed : binding::bound;
    out_.measures[i].value = std::move(value);
  }

  // ---- credit rules -----------------------------------------------------------

  void credit_rule(const ast::credit_rule& r) {
    credit_rule_def def;
    def.where = at(r);
    auto weight = bind(r.weight, scope::payee_period);
    if (weight.type != value_type::error) {
      auto v = fold(weight);
      if (!v || !(weight.type == value_type::ratio || weight.type == value_type::number)) {
        error(weight.where, "a credit weight must be a constant percentage such as 100% or 50%");
      } else if (v->sign() < 0) {
        error(weight.where, "a credit weight cannot be negative");
      } else {
        def.weight = *v;
      }
    }
    if (r.condition) {
      auto cond = bind(*r.condition, scope::credit_rule);
      expect_condition(cond, "a credit rule's 'where'");
      def.condition = std::move(cond);
    }
    out_.rules.push_back(std::move(def));
  }

  // ---- components ---------------------------------------------------------------

  void component(const ast::component_def& c) {
    component_def def;
    def.name = c.name.name;
    def.where = at(c.name);
    def.cumulative = c.cumulative.has_value();
    if (component_index_.count(def.name)) {
      error(c.name, fmt::format("component '{}' is defined twice", def.name));
    }
    component_index_[def.name] = static_cast<std::uint32_t>(out_.components.size());
    if (auto* p = boost::get<ast::pay_formula>(&c.body)) {
      def.kind = formula_kind::pay;
      def.amount = bind(p->amount, scope::payee_period);
      expect_money(*def.amount, "'pay'");
    } else if (auto* b = boost::get<ast::bonus_formula>(&c.body)) {
      def.kind = formula_kind::bonus;
      def.amount = bind(b->amount, scope::payee_period);
      expect_money(*def.amount, "a bonus");
      def.condition = bind(b->condition, scope::payee_period);
      expect_condition(*def.condition, "a bonus's 'when'");
    } else if (auto* t = boost::get<ast::tier_table>(&c.body)) {
      tier_table(*t, def);
    } else if (auto* cv = boost::get<ast::payout_curve>(&c.body)) {
      curve(*cv, def);
    }
    for (const auto& m : c.modifiers) modifier(m, def);
    out_.components.push_back(std::move(def));
  }

  void tier_table(const ast::tier_table& t, component_def& def) {
    def.kind = formula_kind::tiers;
    if (t.kind.name == "marginal") def.tiers = tier_kind::marginal;
    else if (t.kind.name == "retroactive") def.tiers = tier_kind::retroactive;
    else error(t.kind, fmt::format("unknown tier table '{}' (expected marginal or retroactive)", t.kind.name));
    def.base = bind(t.base, scope::payee_period);
    expect_money(*def.base, "the base of a tier table");
    def.driver = t.driver ? bind(*t.driver, scope::payee_period) : *def.base;
    const auto driver_type = def.driver->type;
    if (driver_type != value_type::error && !is_numeric(driver_type))
      error(def.driver->where, fmt::format("a tier table's driver must be an attainment or an amount, not {}",
                                           to_string(driver_type)));
    // Marginal: the bands cut the base itself, so the driver must be the base
    // or its attainment (base / quota).
    if (def.tiers == tier_kind::marginal && def.base->type != value_type::error &&
        driver_type != value_type::error) {
      if (driver_type == value_type::ratio) {
        const bound_expr* d = &*def.driver;
        while (d->kind == node_kind::measure_ref) d = &out_.measures[d->index].value;
        if (d->kind == node_kind::div && same_value(resolve(d->args[0]), resolve(*def.base))) {
          def.attainment_denominator = d->args[1];
        } else {
          error(def.driver->where,
                "a marginal tier table on an attainment needs that attainment's numerator as its base "
                "(e.g. tiers marginal of credited by credited / quota)");
        }
      } else if (!same_value(resolve(*def.driver), resolve(*def.base))) {
        error(def.driver->where,
              "a marginal tier table on an amount cuts its base into bands: drop 'by' or use the base "
              "itself");
      }
    }
    tier_bands(t, def, driver_type);
  }

  // Follows measure references that are plain aliases, so that `credited`
  // and a measure defined as `credited` compare equal.
  const bound_expr& resolve(const bound_expr& e) {
    const bound_expr* p = &e;
    while (p->kind == node_kind::measure_ref && out_.measures[p->index].value.type != value_type::error &&
           out_.measures[p->index].value.kind == node_kind::measure_ref)
      p = &out_.measures[p->index].value;
    return *p;
  }

  void tier_bands(const ast::tier_table& t, component_def& def, value_type driver_type) {
    if (t.bands.empty()) {
      error(t, "a tier table needs at least one band");
      return;
    }
    auto bound_value = [&](const ast::expression& e, const char* what) -> std::optional<decimal> {
      auto b = bind(e, scope::payee_period);
      if (b.type == value_type::error) return std::nullopt;
      auto v = fold(b);
      if (!v) {
        error(b.where, fmt::format("a band's {} bound must be a constant", what));
        return std::nullopt;
      }
      if (driver_type == value_type::ratio && !(b.type == value_type::ratio || b.type == value_type::number))
        error(b.where, fmt::format("the driver is an attainment: write the {} bound as a percentage, not {}",
                                   what, to_string(b.type)));
      else if (driver_type == value_type::money && !(b.type == value_type::money || b.type == value_type::number))
        error(b.where, fmt::format("the driver is an amount: write the {} bound as an amount, not {}", what,
                                   to_string(b.type)));
      return v;
    };
    for (std::size_t i = 0; i < t.bands.size(); ++i) {
      const auto& band = t.bands[i];
      tier_band_def bd;
      bd.where = at(band);
      auto lower = bound_value(band.lower, "lower");
      std::optional<decimal> upper;
      if (band.upper) upper = bound_value(*band.upper, "upper");
      auto rate = bind(band.rate, scope::payee_period);
      auto rate_v = rate.type == value_type::error ? std::nullopt : fold(rate);
      if (rate.type != value_type::error && !rate_v)
        error(rate.where, "a band's rate must be a constant (a percentage or a fixed amount)");
      if (rate_v) {
        if (rate.type == value_type::money) bd.fixed = true;
        else if (rate.type != value_type::ratio && rate.type != value_type::number)
          error(rate.where, fmt::format("a band pays a percentage or a fixed amount, not {}", to_string(rate.type)));
        bd.rate = *rate_v;
      }
      if (lower) bd.lower = *lower;
      bd.upper = upper;
      if (lower && upper && !(*lower < *upper))
        error(at(*band.upper), fmt::format("descending band: upper bound {} is not above lower bound {}",
                                           *upper, *lower));
      if (band.upper && i + 1 == t.bands.size())
        error(at(*band.upper), "the last band must be open-ended (no 'to')");
      if (!band.upper && i + 1 < t.bands.size())
        error(band, "only the last band may be open-ended; this one needs 'to'");
      if (i > 0 && lower && !def.bands.empty() && def.bands.back().upper) {
        const decimal& prev = *def.bands.back().upper;
        if (*lower > prev)
          error(at(band.lower), fmt::format("gap between bands: {} to {} is in no band", prev, *lower));
        else if (*lower < prev)
          error(at(band.lower), fmt::format("overlapping bands: this band starts at {} but the previous one "
                                            "runs to {}",
                                            *lower, prev));
      }
      def.bands.push_back(std::move(bd));
    }
  }

  void curve(const ast::payout_curve& c, component_def& def) {
    def.kind = formula_kind::curve;
    def.base = bind(c.base, scope::payee_period);
    expect_money(*def.base, "the base of a payout curve");
    def.driver = bind(c.driver, scope::payee_period);
    if (def.driver->type != value_type::error && def.driver->type != value_type::ratio &&
        def.driver->type != value_type::number)
      error(def.driver->where, fmt::format("a payout curve's driver must be an attainment, not {}",
                                           to_string(def.driver->type)));
    if (c.points.empty()) error(c, "a payout curve needs at least one point");
    for (const auto& p : c.points) {
      auto x = bind(p.x, scope::payee_period);
      auto y = bind(p.y, scope::payee_period);
      auto xv = x.type == value_type::error ? std::nullopt : fold(x);
      auto yv = y.type == value_type::error ? std::nullopt : fold(y);
      if (x.type != value_type::error && !xv) error(x.where, "a curve point must be a constant");
      if (y.type != value_type::error && !yv) error(y.where, "a curve point must be a constant");
      for (auto* e : {&x, &y})
        if (e->type != value_type::error && e->type != value_type::ratio && e->type != value_type::number)
          error(e->where, fmt::format("a curve point is a percentage, not {}", to_string(e->type)));
      if (!xv || !yv) continue;
      if (!def.points.empty() && !(def.points.back().x < *xv))
        error(x.where, fmt::format("curve points must have strictly ascending x: {} follows {}", *xv,
                                   def.points.back().x));
      def.points.push_back({*xv, *yv, at(p)});
    }
  }

  void modifier(const ast::modifier& m, component_def& def) {
    modifier_def md;
    if (auto* g = boost::get<ast::gate_modifier>(&m)) {
      md.kind = modifier_kind::gate;
      md.where = at(*g);
      md.condition = bind(g->condition, scope::payee_period);
      expect_condition(*md.condition, "a gate");
    } else if (auto* mu = boost::get<ast::multiplier_modifier>(&m)) {
      md.kind = modifier_kind::multiplier;
      md.where = at(*mu);
      md.amount = bind(mu->factor, scope::payee_period);
      auto t = md.amount->type;
      if (t != value_type::error && t != value_type::ratio && t != value_type::number)
        error(md.amount->where, fmt::format("a multiplier is a factor (1.5 or 150%), not {}", to_string(t)));
      if (mu->condition) {
        md.condition = bind(*mu->condition, scope::payee_period);
        expect_condition(*md.condition, "a multiplier's 'when'");
      }
    } else if (auto* cp = boost::get<ast::cap_modifier>(&m)) {
      md.kind = modifier_kind::cap;
      md.where = at(*cp);
      md.amount = bind(cp->amount, scope::payee_period);
      expect_money(*md.amount, "a cap");
    } else if (auto* fl = boost::get<ast::floor_modifier>(&m)) {
      md.kind = modifier_kind::floor;
      md.where = at(*fl);
      md.amount = bind(fl->amount, scope::payee_period);
      expect_money(*md.amount, "a floor");
    }
    def.modifiers.push_back(std::move(md));
  }

  void expect_money(bound_expr& e, std::string_view what) {
    if (e.type == value_type::error) return;
    if (e.type == value_type::number) {
      e.type = value_type::money;  // a plain number is an amount in the plan currency
      return;
    }
    if (e.type != value_type::money) {
      error(e.where, fmt::format("{} must be an amount of money, not {}", what, to_string(e.type)));
      e.type = value_type::error;
    }
  }

  void expect_condition(bound_expr& e, std::string_view what) {
    if (e.type == value_type::error || e.type == value_type::boolean) return;
    error(e.where, fmt::format("{} needs a condition (a comparison), not {}", what, to_string(e.type)));
    e.type = value_type::error;
  }

  // ---- expressions --------------------------------------------------------------

  static std::optional<node_kind> binary_kind(std::string_view op) {
    static const std::pair<std::string_view, node_kind> ops[] = {
        {"+", node_kind::add},        {"-", node_kind::sub},         {"*", node_kind::mul},
        {"/", node_kind::div},        {"==", node_kind::eq},         {"!=", node_kind::ne},
        {"<", node_kind::lt},         {"<=", node_kind::le},         {">", node_kind::gt},
        {">=", node_kind::ge},        {"in", node_kind::in_list},    {"not in", node_kind::in_list},
        {"between", node_kind::between}, {"and", node_kind::logical_and}, {"or", node_kind::logical_or}};
    for (auto& [s, k] : ops)
      if (s == op) return k;
    return std::nullopt;
  }

  bound_expr bind(const ast::expression& chain, scope s) {
    bound_expr left = bind(chain.first, s);
    for (const auto& op : chain.rest) left = bind_operation(std::move(left), op, s);
    return left;
  }

  bound_expr bind_operation(bound_expr left, const ast::operation& op, scope s) {
    auto where = at(op);
    auto kind = binary_kind(op.op);
    if (!kind) {
      error(where, fmt::format("unknown operator '{}'", op.op));
      return failed(where);
    }
    if (*kind == node_kind::in_list) return bind_in(std::move(left), op, s, where);
    if (*kind == node_kind::between) return bind_between(std::move(left), op, s, where);
    bound_expr right = bind(op.rhs, s);
    bound_expr e;
    e.kind = *kind;
    e.where = where;
    // The node spans from its left operand to the end of the right one.
    e.where = span(left.where, right.where);
    e.type = binary_type(*kind, left, right, op.op, where);
    e.quotient = *kind == node_kind::div;
    e.args.push_back(std::move(left));
    e.args.push_back(std::move(right));
    return e;
  }

  static source_location span(const source_location& a, const source_location& b) {
    source_location r = a;
    if (a.line == b.line && b.column >= a.column) r.length = b.column + b.length - a.column;
    return r;
  }

  value_type binary_type(node_kind k, const bound_expr& l, const bound_expr& r, std::string_view op,
                         const source_location& where) {
    const value_type a = l.type, b = r.type;
    if (a == value_type::error || b == value_type::error) return value_type::error;
    auto bad = [&](std::string why) {
      error(where, std::move(why));
      return value_type::error;
    };
    using vt = value_type;
    switch (k) {
      case node_kind::logical_and:
      case node_kind::logical_or:
        if (a != vt::boolean || b != vt::boolean)
          return bad(fmt::format("'{}' joins conditions, not {} and {}", op, to_string(a), to_string(b)));
        return vt::boolean;
      case node_kind::add:
      case node_kind::sub:
        if (!is_numeric(a) || !is_numeric(b))
          return bad(fmt::format("cannot {} {} and {}", k == node_kind::add ? "add" : "subtract",
                                 to_string(a), to_string(b)));
        if (a == b) return a;
        if (a == vt::number) return b;
        if (b == vt::number) return a;
        return bad(fmt::format("cannot {} {} and {} (e.g. money and a percentage)",
                               k == node_kind::add ? "add" : "subtract", to_string(a), to_string(b)));
      case node_kind::mul:
        if (!is_numeric(a) || !is_numeric(b))
          return bad(fmt::format("cannot multiply {} by {}", to_string(a), to_string(b)));
        if (a == vt::number) return b;
        if (b == vt::number) return a;
        if (a == vt::money && b == vt::money) return bad("cannot multiply money by money");
        if (a == vt::money || b == vt::money) return vt::money;
        if (a == vt::count || b == vt::count) return vt::count;
        return vt::ratio;
      case node_kind::div:
        if (!is_numeric(a) || !is_numeric(b))
          return bad(fmt::format("cannot divide {} by {}", to_string(a), to_string(b)));
        if (b == vt::number) return a;
        if (a == b) return a == vt::number ? vt::number : vt::ratio;
        if (a == vt::money && (b == vt::count || b == vt::ratio)) return vt::money;
        if (a == vt::count && b == vt::ratio) return vt::count;
        if (a == vt::number && b == vt::ratio) return vt::number;
        return bad(fmt::format("cannot divide {} by {}", to_string(a), to_string(b)));
      default: {  // comparisons
        if (is_row_value(l) || is_row_value(r)) {
          // A transaction column compares numerically, by date or as text,
          // depending on its values (spec section 10).
          if (a == vt::boolean || b == vt::boolean)
            return bad(fmt::format("cannot compare {} with {}", to_string(a), to_string(b)));
          return vt::boolean;
        }
        bool ok = (a == b) || (is_numeric(a) && is_numeric(b) && (a == vt::number || b == vt::number));
        if (!ok) return bad(fmt::format("cannot compare {} with {}", to_string(a), to_string(b)));
        if ((a == vt::text || a == vt::boolean) && k != node_kind::eq && k != node_kind::ne)
          return bad(fmt::format("{} values compare only with == and !=", to_string(a)));
        return vt::boolean;
      }
    }
  }

  bound_expr bind_in(bound_expr left, const ast::operation& op, scope s, source_location where) {
    bound_expr e;
    e.kind = node_kind::in_list;
    e.type = value_type::boolean;
    e.where = where;
    e.text = op.op;  // "in" or "not in"
    auto* list = boost::get<x3::forward_ast<ast::list_operand>>(&op.rhs);
    if (!list) {
      error(where, fmt::format("'{}' needs a parenthesised list: {} (\"a\", \"b\")", op.op, op.op));
      return failed(where);
    }
    bool ok = left.type != value_type::error;
    e.args.push_back(std::move(left));
    for (const auto& item : list->get().items) {
      auto v = bind(item, s);
      if (v.type == value_type::error) {
        ok = false;
      } else if (v.kind != node_kind::constant) {
        error(v.where, "a list item must be a constant");
        ok = false;
      } else if (e.args[0].type != value_type::error && !is_row_value(e.args[0]) && v.type != e.args[0].type &&
                 !(is_numeric(v.type) && is_numeric(e.args[0].type))) {
        error(v.where, fmt::format("cannot compare {} with {}", to_string(e.args[0].type), to_string(v.type)));
        ok = false;
      }
      e.args.push_back(std::move(v));
    }
    if (!ok) e.type = value_type::error;
    return e;
  }

  bound_expr bind_between(bound_expr left, const ast::operation& op, scope s, source_location where) {
    auto* range = boost::get<x3::forward_ast<ast::range_operand>>(&op.rhs);
    if (!range) {
      error(where, "'between' needs two bounds: between LOW and HIGH");
      return failed(where);
    }
    bound_expr e;
    e.kind = node_kind::between;
    e.type = value_type::boolean;
    e.where = where;
    auto low = bind(range->get().low, s);
    auto high = bind(range->get().high, s);
    auto t1 = binary_type(node_kind::ge, left, low, "between", low.where);
    auto t2 = binary_type(node_kind::le, left, high, "between", high.where);
    if (t1 == value_type::error || t2 == value_type::error) e.type = value_type::error;
    e.args.push_back(std::move(left));
    e.args.push_back(std::move(low));
    e.args.push_back(std::move(high));
    return e;
  }

  struct operand_binder {
    using result_type = bound_expr;
    checker& self;
    scope s;

    bound_expr constant(const x3::position_tagged& node, value_type t, decimal v) const {
      bound_expr e;
      e.kind = node_kind::constant;
      e.type = t;
      e.number = v;
      e.where = self.at(node);
      return e;
    }
    std::optional<decimal> number(const x3::position_tagged& node, const std::string& text) const {
      decimal_syntax_error why;
      auto v = decimal::parse(text, &why);
      if (!v) {
        auto where = self.at(node);
        where.column += static_cast<std::uint32_t>(why.offset);
        self.error(where, fmt::format("bad number '{}': {}", text, why.message));
      }
      return v;
    }

    bound_expr operator()(const ast::number_literal& n) const {
      auto v = number(n, n.text);
      if (!v) return failed(self.at(n));
      return constant(n, value_type::number, *v);
    }
    bound_expr operator()(const ast::percent_literal& p) const {
      auto v = number(p, p.text);
      if (!v) return failed(self.at(p));
      return constant(p, value_type::ratio, *v * decimal(1, 2));
    }
    bound_expr operator()(const ast::money_literal& m) const {
      auto v = number(m, m.text);
      if (!v) return failed(self.at(m));
      if (m.currency != self.out_.settings.currency) {
        self.error(m, fmt::format("money in {} in a plan paid in {}: amounts in a plan are in the plan "
                                  "currency",
                                  m.currency, self.out_.settings.currency));
        return failed(self.at(m));
      }
      return constant(m, value_type::money, *v);
    }
    bound_expr operator()(const ast::string_literal& str) const {
      bound_expr e;
      e.kind = node_kind::constant;
      e.type = value_type::text;
      e.text = str.value;
      e.where = self.at(str);
      return e;
    }
    bound_expr operator()(const ast::date_literal& d) const {
      auto v = parse_date(d.text);
      if (!v) {
        self.error(d, fmt::format("bad date '{}' (expected a real date as YYYY-MM-DD)", d.text));
        return failed(self.at(d));
      }
      return constant(d, value_type::date, decimal(v->days));
    }
    bound_expr operator()(const ast::name_ref& n) const { return self.bind_name(n, s); }
    bound_expr operator()(const x3::forward_ast<ast::call>& c) const { return self.bind_call(c.get(), s); }
    bound_expr operator()(const x3::forward_ast<ast::aggregate>& a) const {
      return self.bind_aggregate(a.get(), s);
    }
    bound_expr operator()(const x3::forward_ast<ast::unary>& u) const {
      const auto& un = u.get();
      auto rhs = self.bind(un.rhs, s);
      bound_expr e;
      e.where = self.at(un);
      if (un.op == "not") {
        e.kind = node_kind::logical_not;
        e.type = value_type::boolean;
        if (rhs.type != value_type::error && rhs.type != value_type::boolean) {
          self.error(rhs.where, fmt::format("'not' needs a condition, not {}", to_string(rhs.type)));
          e.type = value_type::error;
        }
      } else {
        e.kind = node_kind::neg;
        e.type = rhs.type;
        if (rhs.type != value_type::error && !is_numeric(rhs.type)) {
          self.error(rhs.where, fmt::format("cannot negate {}", to_string(rhs.type)));
          e.type = value_type::error;
        }
      }
      if (rhs.type == value_type::error) e.type = value_type::error;
      e.args.push_back(std::move(rhs));
      return e;
    }
    bound_expr operator()(const x3::forward_ast<ast::binary_chain>& c) const { return self.bind(c.get(), s); }
    bound_expr operator()(const x3::forward_ast<ast::list_operand>& l) const {
      self.error(l.get(), "a list is only allowed after 'in'");
      return failed(self.at(l.get()));
    }
    bound_expr operator()(const x3::forward_ast<ast::range_operand>& r) const {
      self.error(r.get(), "a range is only allowed after 'between'");
      return failed(self.at(r.get()));
    }
  };

  bound_expr bind(const ast::operand& o, scope s) { return boost::apply_visitor(operand_binder{*this, s}, o); }

  std::vector<std::string> names_in_scope(scope s) {
    std::vector<std::string> names;
    if (s == scope::payee_period) {
      for (auto& [n, i] : measure_index_) names.push_back(n);
      names.push_back("quota");
      names.push_back("target_incentive");
      for (auto& a : out_.attributes) names.push_back(a.name);
    } else {
      for (auto& c : out_.columns) names.push_back(c);
      for (auto* b : {"amount", "date", "currency", "payee_id"}) names.push_back(b);
      if (s == scope::aggregate_filter) {
        names.push_back("credit");
        names.push_back("rollup");
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  bound_expr bind_name(const ast::name_ref& n, scope s) {
    bound_expr e;
    e.where = at(n);
    e.text = n.name;
    if (s != scope::payee_period) {
      auto builtin = [&](node_kind k, value_type t) {
        e.kind = k;
        e.type = t;
        return e;
      };
      // In an aggregate's filter `amount` is the credit in plan currency, as
      // `credit` (language.md section 6); in a credit rule, the transaction's own.
      if (n.name == "amount")
        return s == scope::aggregate_filter ? builtin(node_kind::credit_amount, value_type::money)
                                            : builtin(node_kind::txn_amount, value_type::number);
      if (n.name == "date") return builtin(node_kind::txn_date, value_type::date);
      if (n.name == "currency") return builtin(node_kind::txn_currency, value_type::text);
      if (n.name == "payee_id") return builtin(node_kind::txn_payee, value_type::text);
      if (s == scope::aggregate_filter && n.name == "credit")
        return builtin(node_kind::credit_amount, value_type::money);
      if (s == scope::aggregate_filter && n.name == "rollup")
        return builtin(node_kind::is_rollup, value_type::boolean);
      if (std::find(out_.columns.begin(), out_.columns.end(), n.name) != out_.columns.end())
        return builtin(node_kind::column, value_type::text);
      if (measure_index_.count(n.name) || n.name == "quota" || n.name == "target_incentive" ||
          find_attribute(n.name)) {
        error(n, fmt::format("'{}' is a per-payee value; a {} looks at one transaction's columns", n.name,
                             s == scope::credit_rule ? "credit rule" : "filter"));
        return failed(e.where);
      }
      auto hint = closest_name(n.name, names_in_scope(s));
      error(n, hint.empty() ? fmt::format("unknown column '{}' (declare it with: columns {})", n.name, n.name)
                            : fmt::format("unknown column '{}' (did you mean '{}'?)", n.name, hint));
      return failed(e.where);
    }
    if (auto it = measure_index_.find(n.name); it != measure_index_.end()) {
      auto i = it->second;
      if (measure_state_[i] == binding::unbound) bind_measure(i, *measure_asts_[i]);
      if (measure_state_[i] == binding::in_progress) {
        error(n, fmt::format("measure '{}' is defined in terms of itself", n.name));
        return failed(e.where);
      }
      const auto& def = out_.measures[i].value;
      if (def.type == value_type::error) return failed(e.where);
      e.kind = node_kind::measure_ref;
      e.index = i;
      e.type = def.type;
      e.quotient = def.quotient;
      return e;
    }
    if (n.name == "quota") {
      e.kind = node_kind::quota;
      e.type = value_type::money;
      e.text = "quota";
      note_metric("quota");
      return e;
    }
    if (n.name == "target_incentive") {
      e.kind = node_kind::payee_attribute;
      e.type = value_type::money;
      e.index = attribute_slot("target_incentive", value_type::money, e.where);
      return e;
    }
    if (auto* a = find_attribute(n.name)) {
      e.kind = node_kind::payee_attribute;
      e.type = a->type;
      e.index = attribute_slot(n.name, a->type, e.where);
      return e;
    }
    if (std::find(out_.columns.begin(), out_.columns.end(), n.name) != out_.columns.end() ||
        is_builtin_column(n.name) || n.name == "credit") {
      error(n, fmt::format("'{}' belongs to one transaction; use it in a credit rule or inside an "
                           "aggregate such as sum(credit where {} ...)",
                           n.name, n.name));
      return failed(e.where);
    }
    auto hint = closest_name(n.name, names_in_scope(s));
    error(n, hint.empty() ? fmt::format("unknown name '{}'", n.name)
                          : fmt::format("unknown name '{}' (did you mean '{}'?)", n.name, hint));
    return failed(e.where);
  }

  void note_metric(const std::string& m) {
    if (std::find(out_.quota_metrics.begin(), out_.quota_metrics.end(), m) == out_.quota_metrics.end())
      out_.quota_metrics.push_back(m);
  }

  bound_expr bind_call(const ast::call& c, scope s) {
    bound_expr e;
    e.where = at(c);
    const auto& fn = c.function.name;
    auto arity = [&](std::size_t lo, std::size_t hi) {
      if (c.args.size() < lo || c.args.size() > hi) {
        error(c.function, lo == hi ? fmt::format("{}() takes {} argument{}", fn, lo, lo == 1 ? "" : "s")
                                   : fmt::format("{}() takes {} to {} arguments", fn, lo, hi));
        return false;
      }
      return true;
    };
    if (s != scope::payee_period) {
      error(c.function, fmt::format("{}() is not available in a {}", fn,
                                    s == scope::credit_rule ? "credit rule" : "filter"));
      return failed(e.where);
    }
    if (fn == "quota") {
      if (!arity(0, 2)) return failed(e.where);
      e.kind = node_kind::quota;
      e.type = value_type::money;
      e.text = "quota";
      if (!c.args.empty()) {
        auto m = bind(c.args[0], s);
        if (m.type == value_type::error) return failed(e.where);
        if (m.kind != node_kind::constant || m.type != value_type::text) {
          error(m.where, "quota() takes a metric name in quotes, e.g. quota(\"meetings\")");
          return failed(e.where);
        }
        e.text = m.text;
      }
      if (c.args.size() == 2) {
        // The unit of a non-money metric: quota("meetings", count).
        const auto* t = bare_word(c.args[1]);
        if (!t || !(t->name == "money" || t->name == "count" || t->name == "number")) {
          error(at(c.args[1]), "quota()'s second argument is the metric's unit: money, count or number");
          return failed(e.where);
        }
        e.type = t->name == "money" ? value_type::money
                 : t->name == "count" ? value_type::count
                                      : value_type::number;
      }
      note_metric(e.text);
      return e;
    }
    if (fn == "round") {
      if (!arity(2, 3)) return failed(e.where);
      e.kind = node_kind::round;
      auto x = bind(c.args[0], s);
      auto step = bind(c.args[1], s);
      if (x.type == value_type::error || step.type == value_type::error) return failed(e.where);
      if (!is_numeric(x.type)) {
        error(x.where, fmt::format("round() needs a number or an amount, not {}", to_string(x.type)));
        return failed(e.where);
      }
      auto sv = fold(step);
      if (!sv || sv->sign() <= 0) {
        error(step.where, "round()'s step must be a positive constant such as 0.01, 1 or 0.05");
        return failed(e.where);
      }
      if (c.args.size() == 3) {
        const auto* m = bare_word(c.args[2]);
        auto mode = m ? parse_rounding_mode(m->name) : std::nullopt;
        if (!mode) {
          error(at(c.args[2]), "round()'s third argument is a rounding mode: half_even, half_up, half_down, "
                               "down, up, floor or ceiling");
          return failed(e.where);
        }
        e.mode = *mode;
        e.has_mode = true;
      }
      e.type = x.type;
      e.args.push_back(std::move(x));
      e.args.push_back(std::move(step));
      return e;
    }
    if (fn == "min" || fn == "max") {
      if (c.args.size() < 2) {
        error(c.function, fmt::format("{}() takes two or more arguments", fn));
        return failed(e.where);
      }
      e.kind = fn == "min" ? node_kind::min : node_kind::max;
      value_type t = value_type::number;
      for (const auto& a : c.args) {
        auto v = bind(a, s);
        if (v.type == value_type::error) return failed(e.where);
        if (!is_numeric(v.type)) {
          error(v.where, fmt::format("{}() compares numbers or amounts, not {}", fn, to_string(v.type)));
          return failed(e.where);
        }
        if (t == value_type::number) t = v.type;
        else if (v.type != value_type::number && v.type != t) {
          error(v.where, fmt::format("{}() mixes {} and {}", fn, to_string(t), to_string(v.type)));
          return failed(e.where);
        }
        e.args.push_back(std::move(v));
      }
      e.type = t;
      return e;
    }
    if (fn == "abs") {
      if (!arity(1, 1)) return failed(e.where);
      auto v = bind(c.args[0], s);
      if (v.type == value_type::error) return failed(e.where);
      if (!is_numeric(v.type)) {
        error(v.where, fmt::format("abs() needs a number or an amount, not {}", to_string(v.type)));
        return failed(e.where);
      }
      e.kind = node_kind::abs;
      e.type = v.type;
      e.args.push_back(std::move(v));
      return e;
    }
    auto hint = closest_name(fn, {"quota", "round", "min", "max", "abs", "sum", "count", "avg"});
    error(c.function, hint.empty() ? fmt::format("unknown function '{}'", fn)
                                   : fmt::format("unknown function '{}' (did you mean '{}'?)", fn, hint));
    return failed(e.where);
  }

  bound_expr bind_aggregate(const ast::aggregate& a, scope s) {
    bound_expr e;
    e.where = at(a);
    if (s != scope::payee_period) {
      error(a, fmt::format("{}() adds up credits per payee; it cannot appear inside a {}", a.function,
                           s == scope::credit_rule ? "credit rule" : "filter"));
      return failed(e.where);
    }
    aggregate_def def;
    def.where = e.where;
    if (a.function == "sum") def.fn = aggregate_fn::sum;
    else if (a.function == "count") def.fn = aggregate_fn::count;
    else if (a.function == "min") def.fn = aggregate_fn::min;
    else if (a.function == "max") def.fn = aggregate_fn::max;
    else if (a.function == "avg") def.fn = aggregate_fn::avg;
    else {
      error(a, fmt::format("unknown aggregate '{}' (expected sum, count, min, max or avg)", a.function));
      return failed(e.where);
    }
    if (a.filter) {
      auto f = bind(*a.filter, scope::aggregate_filter);
      expect_condition(f, "an aggregate's 'where'");
      if (f.type == value_type::error) return failed(e.where);
      def.filter = std::move(f);
    }
    e.kind = node_kind::aggregate;
    e.index = static_cast<std::uint32_t>(out_.aggregates.size());
    e.type = def.fn == aggregate_fn::count ? value_type::count : value_type::money;
    e.quotient = def.fn == aggregate_fn::avg;
    out_.aggregates.push_back(std::move(def));
    return e;
  }
};

}  // namespace

std::optional<checked_plan> check_plan(const syntax::parsed_plan& parsed, diagnostics& diags) {
  return checker(parsed, diags).run();
}

}  // namespace icm::check
