// Differential test: random plans and data sets run through the engine and
// through a deliberately naive evaluator written here from the spec
// (semantics sections 2-6 and 10), every payout line compared to the cent.
//
// Why: the worked examples pin a few points; a second, independent
// evaluation over thousands of random plan/data pairs finds the cases nobody
// thought to write down (a band bound hit exactly, a half-cent tie in a
// weight, a quotient rounded at precision 0). The naive evaluator works on the
// generator's own plan description, not the engine's syntax tree, with every
// value an exact cpp_int rational and rounding applied only where the spec
// says: credits and component payouts to the cent in the plan's mode,
// quotients (attainment, avg, the curve's one division) half-even to the
// plan's precision when they enter arithmetic, decisions on exact values.
//
// The number of pairs is 10,000 by default; set ICM_DIFFERENTIAL_PAIRS to
// change it (ICM_DIFFERENTIAL_PAIRS=500 for a sanitizer run, 200000 for a
// long soak). ICM_DIFFERENTIAL_SEED changes the seed (default fixed, so a
// failure reproduces). ICM_DIFFERENTIAL_SHOW=1 prints the first three pairs
// and the naive payouts, to see what the generator makes.
//
// Scope of the generator (what the naive evaluator implements): plan currency
// USD, quarterly or monthly periods, payees employed all year and on the plan,
// no rollup, proration, draws or plan cap; negative totals either carried
// (the section 10 ledger: carried_balance, carried_balance_recovery) or paid.
#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "icm/dataset_builder.hpp"
#include "icm/plan.hpp"
#include "icm/run.hpp"

namespace {

namespace mp = boost::multiprecision;
using integer = mp::cpp_int;
using rational = mp::cpp_rational;

// ---------------------------------------------------------------------------
// Exact numbers

integer pow10(int n) {
  integer r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// "-12.345" -> -12345/1000.
rational exact(const std::string& text) {
  bool negative = !text.empty() && text[0] == '-';
  integer digits = 0;
  int scale = 0;
  bool after_point = false;
  for (char c : text) {
    if (c == '.') {
      after_point = true;
    } else if (c >= '0' && c <= '9') {
      digits = digits * 10 + (c - '0');
      if (after_point) ++scale;
    }
  }
  rational r(digits, pow10(scale));
  return negative ? rational(-r) : r;
}

// Rounds v to `digits` fractional digits in `mode` (spec section 2).
rational round_to(const rational& v, int digits, icm::rounding_mode mode) {
  using m = icm::rounding_mode;
  integer scale = pow10(digits);
  rational s = v * scale;
  integer n = mp::numerator(s), d = mp::denominator(s);
  if (n % d == 0) return v;
  integer down = n / d;  // toward zero
  integer fl = n < 0 ? integer(down - 1) : down;
  integer ce = fl + 1;
  rational fraction = s - rational(fl);  // in (0, 1)
  integer pick;
  switch (mode) {
    case m::floor: pick = fl; break;
    case m::ceiling: pick = ce; break;
    case m::down: pick = n < 0 ? ce : fl; break;
    case m::up: pick = n < 0 ? fl : ce; break;
    default: {
      rational half(1, 2);
      if (fraction < half) {
        pick = fl;
      } else if (fraction > half) {
        pick = ce;
      } else if (mode == m::half_even) {
        pick = (fl % 2 == 0) ? fl : ce;
      } else if (mode == m::half_up) {
        pick = n < 0 ? fl : ce;
      } else {
        pick = n < 0 ? ce : fl;
      }
    }
  }
  return rational(pick, scale);
}

// v, which has at most `digits` fractional digits, as "-12.30".
std::string text_of(const rational& v, int digits) {
  rational s = v * pow10(digits);
  integer n = mp::numerator(s);
  bool negative = n < 0;
  if (negative) n = -n;
  std::string t = n.str();
  if (digits > 0) {
    while (static_cast<int>(t.size()) <= digits) t.insert(t.begin(), '0');
    t.insert(t.end() - digits, '.');
  }
  return negative ? "-" + t : t;
}

// coefficient / 10^scale as text: fixed(12345, 2) == "123.45".
std::string fixed(std::int64_t coefficient, int scale) {
  return text_of(rational(coefficient, pow10(scale)), scale);
}

// A literal of the plan: its text and its exact value.
struct literal {
  std::string text;
  rational value;
};

literal percent(std::int64_t coefficient, int scale) {
  return {fixed(coefficient, scale) + "%", rational(coefficient, pow10(scale + 2))};
}
literal money(std::int64_t cents) { return {fixed(cents, 2) + " USD", rational(cents, 100)}; }
literal number(std::int64_t coefficient, int scale) {
  return {fixed(coefficient, scale), rational(coefficient, pow10(scale))};
}

// ---------------------------------------------------------------------------
// The random plan, as the generator describes it

struct random_source {
  std::mt19937_64 engine;
  std::uint64_t below(std::uint64_t n) { return engine() % n; }
  bool chance(int percent_true) { return below(100) < static_cast<std::uint64_t>(percent_true); }
  template <class T>
  const T& one_of(const std::vector<T>& v) {
    return v[below(v.size())];
  }
};

const std::vector<std::string> products = {"saas", "hardware", "services", "support"};

enum class text_op { eq, ne, in, not_in };

// A row condition: product test and/or a numeric test on the amount.
struct row_test {
  std::optional<text_op> product_op;
  std::vector<std::string> product_values;
  std::optional<std::string> amount_op;  // "<", "<=", ">", ">=", "==", "!="
  literal amount_bound;
  std::string amount_name;  // "amount" or "credit" (in measure filters)
  bool any() const { return product_op || amount_op; }
};

struct credit_rule_desc {
  literal weight;
  row_test where;
};

enum class aggregate { sum, count, min, max, avg };

struct measure_desc {
  std::string name;
  aggregate kind = aggregate::sum;
  row_test where;
};

// A condition: the attainment, a count measure or a money measure against a
// literal.
struct condition_desc {
  int measure = -1;  // -1: the attainment
  std::string op;
  literal bound;
};

struct band_desc {
  literal lower;
  bool fixed_amount = false;
  literal rate;  // a percentage, or money when fixed_amount
};

enum class formula_kind { pay_rate, pay_attainment, tiers_marginal, tiers_retroactive, curve, bonus };

struct modifier_desc {
  enum kind_t { gate, multiplier, cap, floor } kind = gate;
  std::optional<condition_desc> when;
  literal amount;          // factor, cap or floor
  bool of_target = false;  // cap/floor amount x target_incentive
};

struct component_desc {
  std::string name;
  bool cumulative = false;
  formula_kind kind = formula_kind::pay_rate;
  int base = 0;  // measure index (pay_rate, tiers)
  literal rate;  // pay_rate, pay_attainment
  bool by_attainment = false;
  std::vector<band_desc> bands;
  std::vector<std::pair<literal, literal>> points;
  literal bonus;
  bool bonus_of_target = false;
  condition_desc bonus_when;
  std::vector<modifier_desc> modifiers;
};

struct plan_desc {
  bool monthly = false;
  int precision = 16;
  icm::rounding_mode mode = icm::rounding_mode::half_even;
  bool carry = true;
  std::vector<credit_rule_desc> rules;
  std::vector<measure_desc> measures;  // [0] is credited = sum(credit)
  int attainment_of = 0;               // the sum measure over quota
  std::vector<component_desc> components;
  int periods() const { return monthly ? 12 : 4; }
  std::string period_name(int p) const {
    return monthly ? fmt_month(p) : "2026-Q" + std::to_string(p + 1);
  }
  static std::string fmt_month(int p) { return std::string("2026-") + (p < 9 ? "0" : "") + std::to_string(p + 1); }
};

bool is_money_measure(const measure_desc& m) { return m.kind != aggregate::count; }

// ---------------------------------------------------------------------------
// Plan generation

row_test random_row_test(random_source& r, bool in_measure) {
  row_test t;
  if (r.chance(60)) {
    t.product_op = static_cast<text_op>(r.below(4));
    std::size_t n = (*t.product_op == text_op::eq || *t.product_op == text_op::ne) ? 1 : 1 + r.below(3);
    for (std::size_t i = 0; i < n; ++i) t.product_values.push_back(r.one_of(products));
  }
  if (!t.product_op || r.chance(35)) {
    t.amount_op = r.one_of(std::vector<std::string>{"<", "<=", ">", ">=", "==", "!="});
    std::int64_t cents = r.chance(50) ? 0 : static_cast<std::int64_t>(r.below(2000000)) - 200000;
    t.amount_bound = r.chance(50) ? number(cents / 100, 0) : number(cents, 2);
    t.amount_name = in_measure && r.chance(50) ? "credit" : "amount";
  }
  return t;
}

std::string row_test_text(const row_test& t) {
  std::string s;
  if (t.product_op) {
    static const char* ops[] = {"==", "!=", "in", "not in"};
    s += std::string("product ") + ops[static_cast<int>(*t.product_op)] + " ";
    if (*t.product_op == text_op::eq || *t.product_op == text_op::ne) {
      s += "\"" + t.product_values[0] + "\"";
    } else {
      s += "(";
      for (std::size_t i = 0; i < t.product_values.size(); ++i)
        s += (i ? ", \"" : "\"") + t.product_values[i] + "\"";
      s += ")";
    }
  }
  if (t.amount_op) {
    if (!s.empty()) s += " and ";
    // A negative bound is written with the unary minus.
    s += t.amount_name + " " + *t.amount_op + " " + t.amount_bound.text;
  }
  return s;
}

literal random_percent(random_source& r, const std::vector<std::pair<std::int64_t, int>>& choices) {
  auto [c, s] = r.one_of(choices);
  return percent(c, s);
}

condition_desc random_condition(random_source& r, const plan_desc& p) {
  condition_desc c;
  c.op = r.one_of(std::vector<std::string>{">=", ">", "<", "<=", "==", "!="});
  int which = static_cast<int>(r.below(3));
  if (which == 0) {
    c.measure = -1;
    c.bound = random_percent(r, {{0, 0}, {50, 0}, {80, 0}, {100, 0}, {120, 0}, {9999, 2}, {150, 0}});
    return c;
  }
  // A count or money measure, if the plan has one.
  for (int tries = 0; tries < 4; ++tries) {
    int m = static_cast<int>(r.below(p.measures.size()));
    if (p.measures[m].kind == aggregate::count) {
      c.measure = m;
      c.bound = number(static_cast<std::int64_t>(r.below(6)), 0);
      return c;
    }
    if (which == 2) {
      c.measure = m;
      c.bound = money(static_cast<std::int64_t>(r.below(40)) * 250000);
      return c;
    }
  }
  c.measure = -1;
  c.bound = random_percent(r, {{100, 0}, {75, 0}});
  return c;
}

std::string condition_text(const condition_desc& c, const plan_desc& p) {
  std::string lhs = c.measure < 0 ? "att" : p.measures[c.measure].name;
  return lhs + " " + c.op + " " + c.bound.text;
}

std::vector<band_desc> random_bands(random_source& r, bool attainment_driver) {
  std::vector<band_desc> bands;
  std::size_t n = 1 + r.below(4);
  std::int64_t lower = 0;  // percent x 100, or cents
  for (std::size_t i = 0; i < n; ++i) {
    band_desc b;
    b.lower = attainment_driver ? percent(lower, 2) : money(lower);
    // The first band pays a percentage: a negative base is paid at its rate.
    if (i > 0 && r.chance(25)) {
      b.fixed_amount = true;
      b.rate = money(static_cast<std::int64_t>(r.below(2000)) * 50);
    } else {
      b.rate = random_percent(r, {{2, 0}, {8, 0}, {12, 0}, {15, 0}, {0, 0}, {35, 1}, {3333, 2}, {125, 1}});
    }
    bands.push_back(b);
    if (attainment_driver)
      lower += r.one_of(std::vector<std::int64_t>{1000, 2500, 5000, 3333, 1250, 10000});
    else
      lower += static_cast<std::int64_t>(1 + r.below(40)) * 250000;
  }
  return bands;
}

plan_desc random_plan(random_source& r) {
  plan_desc p;
  p.monthly = r.chance(30);
  p.precision = static_cast<int>(r.below(17));
  p.mode = static_cast<icm::rounding_mode>(r.below(7));
  p.carry = r.chance(70);

  std::size_t rules = 1 + r.below(3);
  for (std::size_t i = 0; i < rules; ++i) {
    credit_rule_desc c;
    c.weight = random_percent(r, {{100, 0}, {100, 0}, {50, 0}, {3333, 2}, {0, 0}, {125, 1}, {75, 0}, {150, 0}});
    if (i + 1 < rules || r.chance(50)) c.where = random_row_test(r, false);
    p.rules.push_back(c);
  }

  p.measures.push_back({"credited", aggregate::sum, {}});
  std::size_t extra = r.below(4);
  for (std::size_t i = 0; i < extra; ++i) {
    measure_desc m;
    m.name = "m" + std::to_string(i + 1);
    m.kind = static_cast<aggregate>(r.below(5));
    if (r.chance(60)) m.where = random_row_test(r, true);
    p.measures.push_back(m);
  }
  // The attainment's numerator: credited, or a filtered sum.
  std::vector<int> sums;
  for (std::size_t i = 0; i < p.measures.size(); ++i)
    if (p.measures[i].kind == aggregate::sum) sums.push_back(static_cast<int>(i));
  p.attainment_of = r.one_of(sums);

  std::vector<int> money_measures;
  for (std::size_t i = 0; i < p.measures.size(); ++i)
    if (is_money_measure(p.measures[i])) money_measures.push_back(static_cast<int>(i));

  std::size_t components = 1 + r.below(3);
  for (std::size_t i = 0; i < components; ++i) {
    component_desc c;
    c.name = "c" + std::to_string(i + 1);
    c.cumulative = r.chance(20);
    c.kind = static_cast<formula_kind>(r.below(6));
    switch (c.kind) {
      case formula_kind::pay_rate:
        c.base = r.one_of(money_measures);
        c.rate = random_percent(r, {{8, 0}, {10, 0}, {25, 1}, {3333, 2}, {1, 0}, {125, 3}});
        break;
      case formula_kind::pay_attainment:
        c.rate = random_percent(r, {{100, 0}, {10, 0}, {3333, 2}, {50, 0}});
        break;
      case formula_kind::tiers_marginal:
      case formula_kind::tiers_retroactive:
        c.by_attainment = r.chance(60);
        c.base = c.by_attainment ? p.attainment_of : r.one_of(sums);
        c.bands = random_bands(r, c.by_attainment);
        break;
      case formula_kind::curve: {
        std::int64_t x = r.chance(30) ? 0 : static_cast<std::int64_t>(r.below(80)) * 125;  // percent x 100
        std::size_t n = 1 + r.below(4);
        for (std::size_t k = 0; k < n; ++k) {
          c.points.emplace_back(percent(x, 2), percent(static_cast<std::int64_t>(r.below(30000)), 2));
          x += static_cast<std::int64_t>(1 + r.below(80)) * 125;
        }
        break;
      }
      case formula_kind::bonus:
        c.bonus_of_target = r.chance(30);
        c.bonus = c.bonus_of_target ? random_percent(r, {{10, 0}, {25, 0}, {3333, 2}})
                                    : money(static_cast<std::int64_t>(r.below(1000000)));
        c.bonus_when = random_condition(r, p);
        break;
    }
    std::size_t modifiers = r.below(4);
    for (std::size_t k = 0; k < modifiers; ++k) {
      modifier_desc m;
      m.kind = static_cast<modifier_desc::kind_t>(r.below(4));
      switch (m.kind) {
        case modifier_desc::gate: m.when = random_condition(r, p); break;
        case modifier_desc::multiplier:
          m.amount = r.chance(50) ? number(r.one_of(std::vector<std::int64_t>{15, 2, 5, 75, 10}), 1)
                                  : random_percent(r, {{150, 0}, {50, 0}, {3333, 2}});
          if (r.chance(60)) m.when = random_condition(r, p);
          break;
        case modifier_desc::cap:
          m.of_target = r.chance(50);
          m.amount = m.of_target ? number(r.one_of(std::vector<std::int64_t>{1, 2, 3, 15}), 0)
                                 : money(static_cast<std::int64_t>(r.below(2000000)));
          break;
        case modifier_desc::floor:
          m.amount = r.chance(60) ? number(0, 0) : money(static_cast<std::int64_t>(r.below(100000)));
          break;
      }
      c.modifiers.push_back(m);
    }
    p.components.push_back(c);
  }
  return p;
}

std::string plan_text(const plan_desc& p) {
  std::string s = "plan \"Differential\" {\n  currency USD\n  period ";
  s += p.monthly ? "month" : "quarter";
  s += "\n  year 2026\n  precision " + std::to_string(p.precision) + "\n  rounding " +
       std::string(icm::to_string(p.mode)) + "\n  negative_totals " + (p.carry ? "carry" : "pay") + "\n}\n";
  s += "columns product\n";
  for (const auto& c : p.rules) {
    s += "credit " + c.weight.text;
    if (c.where.any()) s += " where " + row_test_text(c.where);
    s += "\n";
  }
  static const char* aggregates[] = {"sum", "count", "min", "max", "avg"};
  for (const auto& m : p.measures) {
    s += "measure " + m.name + " = " + aggregates[static_cast<int>(m.kind)] + "(credit";
    if (m.where.any()) s += " where " + row_test_text(m.where);
    s += ")\n";
  }
  s += "measure att = " + p.measures[p.attainment_of].name + " / quota\n";
  for (const auto& c : p.components) {
    s += "component " + c.name + (c.cumulative ? " cumulative" : "") + " {\n  ";
    switch (c.kind) {
      case formula_kind::pay_rate: s += "pay " + p.measures[c.base].name + " * " + c.rate.text; break;
      case formula_kind::pay_attainment: s += "pay att * target_incentive * " + c.rate.text; break;
      case formula_kind::tiers_marginal:
      case formula_kind::tiers_retroactive:
        s += std::string("tiers ") + (c.kind == formula_kind::tiers_marginal ? "marginal" : "retroactive") +
             " of " + p.measures[c.base].name + (c.by_attainment ? " by att" : "") + " {\n";
        for (std::size_t i = 0; i < c.bands.size(); ++i) {
          s += "    from " + c.bands[i].lower.text;
          if (i + 1 < c.bands.size()) s += " to " + c.bands[i + 1].lower.text;
          s += " pay " + c.bands[i].rate.text + "\n";
        }
        s += "  }";
        break;
      case formula_kind::curve:
        s += "curve of target_incentive by att {\n";
        for (const auto& [x, y] : c.points) s += "    " + x.text + " -> " + y.text + "\n";
        s += "  }";
        break;
      case formula_kind::bonus:
        s += "bonus " + (c.bonus_of_target ? "target_incentive * " + c.bonus.text : c.bonus.text) + " when " +
             condition_text(c.bonus_when, p);
        break;
    }
    s += "\n";
    for (const auto& m : c.modifiers) {
      switch (m.kind) {
        case modifier_desc::gate: s += "  gate when " + condition_text(*m.when, p); break;
        case modifier_desc::multiplier:
          s += "  multiplier " + m.amount.text;
          if (m.when) s += " when " + condition_text(*m.when, p);
          break;
        case modifier_desc::cap:
          s += "  cap " + (m.of_target ? m.amount.text + " * target_incentive" : m.amount.text);
          break;
        case modifier_desc::floor: s += "  floor " + m.amount.text; break;
      }
      s += "\n";
    }
    s += "}\n";
  }
  return s;
}

// ---------------------------------------------------------------------------
// The random data set

struct txn_desc {
  std::string id;
  int month = 1, day = 1;
  std::string payee;
  std::string amount;  // own currency
  std::string currency;  // "" (USD) or "EUR"
  std::string product;
};

struct split_desc {
  std::string txn, payee, share;
};

struct data_desc {
  std::vector<std::string> payees;
  std::vector<std::string> target;  // per payee
  std::vector<txn_desc> txns;
  std::vector<split_desc> splits;
  std::vector<std::string> eur_rate;  // per period, "" when EUR is not used
  std::vector<std::vector<std::string>> quota;  // [payee][period]
};

std::string data_text(const plan_desc& p, const data_desc& d) {
  std::string s = "payees.csv\npayee_id,target_incentive\n";
  for (std::size_t i = 0; i < d.payees.size(); ++i) s += d.payees[i] + "," + d.target[i] + "\n";
  s += "transactions.csv\ntxn_id,date,payee_id,amount,currency,product\n";
  for (const auto& t : d.txns)
    s += t.id + ",2026-" + (t.month < 10 ? "0" : "") + std::to_string(t.month) + "-" + (t.day < 10 ? "0" : "") +
         std::to_string(t.day) + "," + t.payee + "," + t.amount + "," + t.currency + "," + t.product + "\n";
  s += "splits.csv\ntxn_id,payee_id,share\n";
  for (const auto& sp : d.splits) s += sp.txn + "," + sp.payee + "," + sp.share + "\n";
  s += "fx.csv\ncurrency,period,rate\n";
  for (std::size_t i = 0; i < d.eur_rate.size(); ++i)
    if (!d.eur_rate[i].empty()) s += "EUR," + p.period_name(static_cast<int>(i)) + "," + d.eur_rate[i] + "\n";
  s += "quotas.csv\npayee_id,period,amount\n";
  for (std::size_t i = 0; i < d.payees.size(); ++i)
    for (std::size_t k = 0; k < d.quota[i].size(); ++k)
      s += d.payees[i] + "," + p.period_name(static_cast<int>(k)) + "," + d.quota[i][k] + "\n";
  return s;
}

// ---------------------------------------------------------------------------
// The naive evaluator

struct credit_record {
  std::size_t payee = 0;
  int period = 0;
  std::string product;
  rational amount;  // plan currency, rounded to the cent
};

int period_of(const plan_desc& p, int month) { return p.monthly ? month - 1 : (month - 1) / 3; }

bool compare(const rational& a, const std::string& op, const rational& b) {
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "==") return a == b;
  return a != b;
}

bool row_matches(const row_test& t, const std::string& product, const rational& amount) {
  if (t.product_op) {
    bool listed = false;
    for (const auto& v : t.product_values) listed = listed || v == product;
    bool positive = *t.product_op == text_op::eq || *t.product_op == text_op::in;
    if (listed != positive) return false;
  }
  if (t.amount_op && !compare(amount, *t.amount_op, t.amount_bound.value)) return false;
  return true;
}

// Section 3: first matching rule, share x weight x rate, rounded once.
std::vector<credit_record> credits_of(const plan_desc& p, const data_desc& d) {
  std::vector<credit_record> out;
  for (const auto& t : d.txns) {
    rational amount = exact(t.amount);
    const credit_rule_desc* rule = nullptr;
    for (const auto& c : p.rules)
      if (row_matches(c.where, t.product, amount)) {
        rule = &c;
        break;
      }
    if (!rule) continue;
    int period = period_of(p, t.month);
    rational fx = t.currency == "EUR" ? exact(d.eur_rate[period]) : rational(1);
    std::vector<std::pair<std::string, rational>> shares;
    for (const auto& s : d.splits)
      if (s.txn == t.id) shares.emplace_back(s.payee, exact(s.share));
    if (shares.empty()) shares.emplace_back(t.payee, rational(1));
    for (const auto& [payee, share] : shares) {
      std::size_t index = 0;
      while (d.payees[index] != payee) ++index;
      out.push_back({index, period, t.product,
                     round_to(amount * share * rule->weight.value * fx, 2, p.mode)});
    }
  }
  return out;
}

// Every measure, the quota and the attainment of one payee over the periods
// [first, last]: one period, or the year to date of a cumulative component.
struct scope_values {
  std::vector<rational> measure;  // exact (avg is a quotient)
  rational quota;
  rational attainment;            // exact
};

scope_values values_of(const plan_desc& p, const data_desc& d, const std::vector<credit_record>& credits,
                       std::size_t payee, int first, int last) {
  scope_values v;
  for (const auto& m : p.measures) {
    rational sum = 0, lowest = 0, highest = 0;
    std::int64_t count = 0;
    for (const auto& c : credits) {
      if (c.payee != payee || c.period < first || c.period > last) continue;
      if (!row_matches(m.where, c.product, c.amount)) continue;
      if (count == 0 || c.amount < lowest) lowest = c.amount;
      if (count == 0 || c.amount > highest) highest = c.amount;
      sum += c.amount;
      ++count;
    }
    switch (m.kind) {
      case aggregate::sum: v.measure.push_back(sum); break;
      case aggregate::count: v.measure.push_back(count); break;
      case aggregate::min: v.measure.push_back(lowest); break;
      case aggregate::max: v.measure.push_back(highest); break;
      case aggregate::avg: v.measure.push_back(count ? rational(sum / count) : rational(0)); break;
    }
  }
  for (int k = first; k <= last; ++k) v.quota += exact(d.quota[payee][k]);
  v.attainment = v.measure[p.attainment_of] / v.quota;
  return v;
}

bool holds(const condition_desc& c, const scope_values& v) {
  const rational& lhs = c.measure < 0 ? v.attainment : v.measure[c.measure];
  return compare(lhs, c.op, c.bound.value);
}

// A component's exact payout over one scope, before its one rounding.
rational component_payout(const plan_desc& p, const component_desc& c, const scope_values& v,
                          const rational& target) {
  auto at_precision = [&](const rational& q) { return round_to(q, p.precision, icm::rounding_mode::half_even); };
  auto in_arithmetic = [&](int m) {
    return p.measures[m].kind == aggregate::avg ? at_precision(v.measure[m]) : v.measure[m];
  };
  rational pay = 0;
  switch (c.kind) {
    case formula_kind::pay_rate: pay = in_arithmetic(c.base) * c.rate.value; break;
    case formula_kind::pay_attainment: pay = at_precision(v.attainment) * target * c.rate.value; break;
    case formula_kind::tiers_marginal:
    case formula_kind::tiers_retroactive: {
      const rational& base = v.measure[c.base];
      // Band bounds in the base's unit: bound x quota for an attainment.
      rational unit = c.by_attainment ? v.quota : rational(1);
      if (base < 0) {
        pay = base * c.bands[0].rate.value;
      } else if (c.kind == formula_kind::tiers_marginal) {
        for (std::size_t i = 0; i < c.bands.size(); ++i) {
          rational lower = c.bands[i].lower.value * unit;
          if (base < lower) break;
          if (c.bands[i].fixed_amount) {
            pay += c.bands[i].rate.value;
          } else {
            rational top = base;
            if (i + 1 < c.bands.size() && c.bands[i + 1].lower.value * unit < top)
              top = c.bands[i + 1].lower.value * unit;
            pay += (top - lower) * c.bands[i].rate.value;
          }
        }
      } else {
        const rational driver = c.by_attainment ? v.attainment : base;
        std::size_t band = 0;
        for (std::size_t i = 0; i < c.bands.size(); ++i)
          if (driver >= c.bands[i].lower.value) band = i;
        pay = c.bands[band].fixed_amount ? c.bands[band].rate.value : base * c.bands[band].rate.value;
      }
      break;
    }
    case formula_kind::curve: {
      const auto& pts = c.points;
      const rational& a = v.attainment;
      rational y = 0;
      if (a < pts[0].first.value) {
        y = pts[0].first.value == 0 ? pts[0].second.value : rational(0);
      } else if (a >= pts.back().first.value) {
        y = pts.back().second.value;
      } else {
        std::size_t i = 0;
        while (!(a < pts[i + 1].first.value)) ++i;
        const rational &x0 = pts[i].first.value, &y0 = pts[i].second.value;
        const rational &x1 = pts[i + 1].first.value, &y1 = pts[i + 1].second.value;
        y = y0 + at_precision((at_precision(a) - x0) * (y1 - y0) / (x1 - x0));
      }
      pay = target * y;
      break;
    }
    case formula_kind::bonus:
      if (holds(c.bonus_when, v)) pay = c.bonus_of_target ? target * c.bonus.value : c.bonus.value;
      break;
  }
  for (const auto& m : c.modifiers) {
    switch (m.kind) {
      case modifier_desc::gate:
        if (!holds(*m.when, v)) pay = 0;
        break;
      case modifier_desc::multiplier:
        if (!m.when || holds(*m.when, v)) pay *= m.amount.value;
        break;
      case modifier_desc::cap: {
        rational cap = m.of_target ? m.amount.value * target : m.amount.value;
        if (pay > cap) pay = cap;
        break;
      }
      case modifier_desc::floor:
        if (pay < m.amount.value) pay = m.amount.value;
        break;
    }
  }
  return pay;
}

using payout_map = std::map<std::string, std::string>;  // payee|period|line -> amount

payout_map naive_payouts(const plan_desc& p, const data_desc& d) {
  payout_map out;
  auto credits = credits_of(p, d);
  for (std::size_t payee = 0; payee < d.payees.size(); ++payee) {
    rational target = exact(d.target[payee]);
    std::vector<rational> paid_so_far(p.components.size());
    rational carried = 0;  // a negative total carried forward, as a positive amount
    for (int k = 0; k < p.periods(); ++k) {
      std::string key = d.payees[payee] + "|" + p.period_name(k) + "|";
      rational total = 0;
      std::optional<scope_values> period_values, year_to_date;  // computed once per period
      for (std::size_t ci = 0; ci < p.components.size(); ++ci) {
        const auto& c = p.components[ci];
        auto& cached = c.cumulative ? year_to_date : period_values;
        if (!cached) cached = values_of(p, d, credits, payee, c.cumulative ? 0 : k, k);
        const scope_values& v = *cached;
        rational line = round_to(component_payout(p, c, v, target), 2, p.mode);
        if (c.cumulative) {
          rational ytd = line;
          line = ytd - paid_so_far[ci];
          paid_so_far[ci] = ytd;
        }
        out[key + c.name] = text_of(line, 2);
        total += line;
      }
      if (!p.carry) continue;
      // Section 10 ledger, steps 3 and 5.
      if (carried > 0 && total > 0) {
        rational recovered = carried < total ? carried : total;
        out[key + "carried_balance_recovery"] = text_of(-recovered, 2);
        carried -= recovered;
        total -= recovered;
      }
      if (total < 0) {
        out[key + "carried_balance"] = text_of(-total, 2);
        carried -= total;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Data generation (after the plan: quotas aim at the plan's bounds)

data_desc random_data_set(random_source& r, const plan_desc& p) {
  data_desc d;
  std::size_t payees = 1 + r.below(3);
  for (std::size_t i = 0; i < payees; ++i) {
    d.payees.push_back(std::to_string(i + 1));
    d.target.push_back(fixed(static_cast<std::int64_t>(r.below(3000000)) + 100, 2));
  }
  bool eur = r.chance(30);
  std::size_t txns = r.below(31);
  for (std::size_t i = 0; i < txns; ++i) {
    txn_desc t;
    t.id = "T" + std::to_string(i + 1);
    t.month = static_cast<int>(1 + r.below(12));
    t.day = static_cast<int>(1 + r.below(28));
    t.payee = r.one_of(d.payees);
    std::int64_t scale = r.one_of(std::vector<std::int64_t>{100000, 5000000, 50000000, 1000});
    std::int64_t cents = static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(scale)));
    if (r.chance(15)) cents = -cents;
    if (r.chance(5)) cents = 0;
    if (r.chance(10)) cents = cents / 1000 * 1000 + 1;  // odd cents: half-cent ties under 50%
    if (r.chance(10)) cents = static_cast<std::int64_t>(1 + r.below(40)) * 250000;  // on money band bounds
    t.amount = fixed(cents, 2);
    t.currency = eur && r.chance(50) ? "EUR" : "";
    t.product = r.one_of(products);
    if (payees > 1 && r.chance(10)) {
      static const std::vector<std::pair<std::string, std::string>> shares = {
          {"0.5", "0.5"}, {"0.6", "0.4"}, {"0.333", "0.667"}, {"0.25", "0.75"}};
      auto [a, b] = r.one_of(shares);
      std::size_t first = r.below(payees), second = (first + 1 + r.below(payees - 1)) % payees;
      d.splits.push_back({t.id, d.payees[first], a});
      d.splits.push_back({t.id, d.payees[second], b});
    }
    d.txns.push_back(t);
  }
  d.eur_rate.assign(static_cast<std::size_t>(p.periods()), "");
  if (eur)
    for (auto& rate : d.eur_rate) rate = fixed(static_cast<std::int64_t>(800000 + r.below(600000)), 6);

  // Quotas: random, or exactly the attainment numerator's period value, one
  // cent off it, or that value over a band bound or curve point.
  std::vector<rational> bounds;
  for (const auto& c : p.components) {
    if (c.by_attainment)
      for (const auto& b : c.bands) bounds.push_back(b.lower.value);
    for (const auto& [x, y] : c.points) bounds.push_back(x.value);
    for (const auto& m : c.modifiers)
      if (m.when && m.when->measure < 0) bounds.push_back(m.when->bound.value);
    if (c.kind == formula_kind::bonus && c.bonus_when.measure < 0) bounds.push_back(c.bonus_when.bound.value);
  }
  auto credits = credits_of(p, d);
  d.quota.assign(payees, std::vector<std::string>(static_cast<std::size_t>(p.periods())));
  for (std::size_t i = 0; i < payees; ++i) {
    for (int k = 0; k < p.periods(); ++k) {
      d.quota[i][static_cast<std::size_t>(k)] = "";
      rational numerator = 0;
      for (const auto& c : credits)
        if (c.payee == i && c.period == k && row_matches(p.measures[p.attainment_of].where, c.product, c.amount))
          numerator += c.amount;
      rational q = 0;
      std::uint64_t how = r.below(10);
      if (numerator > 0 && how == 0) q = numerator;
      if (numerator > 0 && how == 1) q = numerator + rational(r.chance(50) ? 1 : -1, 100);
      if (numerator > 0 && how == 2 && !bounds.empty()) {
        rational b = r.one_of(bounds);
        if (b > 0) q = numerator / b;
        if (mp::denominator(rational(q * 100)) != 1) q = 0;  // not in cents
      }
      if (q <= 0) q = rational(static_cast<std::int64_t>(100000 + r.below(20000000)), 100);
      d.quota[i][static_cast<std::size_t>(k)] = text_of(q, 2);
    }
  }
  return d;
}

// ---------------------------------------------------------------------------
// The engine

struct engine_outcome {
  std::string errors;
  std::optional<payout_map> payouts;
};

engine_outcome engine_payouts(const std::string& text, const plan_desc& p, const data_desc& d) {
  engine_outcome o;
  icm::diagnostics diags;
  auto collect = [&] {
    for (const auto& x : diags) o.errors += x.headline() + "\n";
  };
  auto plan = icm::plan::parse(text, "differential.icm", diags);
  if (!plan) {
    collect();
    return o;
  }
  icm::dataset_builder b("differential");
  b.payee_attributes({"target_incentive"});
  b.transaction_attributes({"product"});
  for (std::size_t i = 0; i < d.payees.size(); ++i) b.add_payee({.id = d.payees[i], .attributes = {d.target[i]}});
  for (const auto& t : d.txns) {
    std::string date = std::string("2026-") + (t.month < 10 ? "0" : "") + std::to_string(t.month) + "-" +
                       (t.day < 10 ? "0" : "") + std::to_string(t.day);
    b.add_transaction({.txn_id = t.id,
                       .date = date,
                       .payee_id = t.payee,
                       .amount = icm::decimal::parse_or_throw(t.amount),
                       .currency = t.currency,
                       .attributes = {t.product}});
  }
  for (const auto& s : d.splits)
    b.add_split({.txn_id = s.txn, .payee_id = s.payee, .share = icm::decimal::parse_or_throw(s.share)});
  for (std::size_t k = 0; k < d.eur_rate.size(); ++k)
    if (!d.eur_rate[k].empty())
      b.add_fx({.currency = "EUR",
                .period = p.period_name(static_cast<int>(k)),
                .rate = icm::decimal::parse_or_throw(d.eur_rate[k])});
  for (std::size_t i = 0; i < d.payees.size(); ++i)
    for (std::size_t k = 0; k < d.quota[i].size(); ++k)
      b.add_quota({.payee_id = d.payees[i],
                   .period = p.period_name(static_cast<int>(k)),
                   .amount = icm::decimal::parse_or_throw(d.quota[i][k])});
  auto data = b.build(diags);
  if (!data) {
    collect();
    return o;
  }
  auto result = icm::run(*plan, *data, diags, {.threads = 1});
  if (!result) {
    collect();
    return o;
  }
  payout_map m;
  for (const auto& l : result->payouts) {
    std::string key = l.payee_id + "|" + icm::to_string(l.when) + "|" + l.component;
    if (m.count(key)) o.errors += "duplicate payout line " + key + "\n";
    m[key] = l.amount.to_string();
  }
  o.payouts = std::move(m);
  return o;
}

std::string map_text(const payout_map& m) {
  std::string s;
  for (const auto& [k, v] : m) s += "  " + k + " = " + v + "\n";
  return s;
}

std::string differences(const payout_map& naive, const payout_map& engine) {
  std::string s;
  for (const auto& [k, v] : naive) {
    auto it = engine.find(k);
    if (it == engine.end()) s += "  " + k + ": naive " + v + ", engine (none)\n";
    else if (it->second != v) s += "  " + k + ": naive " + v + ", engine " + it->second + "\n";
  }
  for (const auto& [k, v] : engine)
    if (!naive.count(k)) s += "  " + k + ": naive (none), engine " + v + "\n";
  return s;
}

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strtoull(v, nullptr, 10);
}

}  // namespace

// The naive evaluator's own arithmetic, on the spec's figures: a wrong
// reference would hide engine bugs.
TEST(Differential, NaiveRoundingFollowsTheSpec) {
  using m = icm::rounding_mode;
  EXPECT_EQ(text_of(round_to(exact("2.345"), 2, m::half_even), 2), "2.34");
  EXPECT_EQ(text_of(round_to(exact("2.355"), 2, m::half_even), 2), "2.36");
  EXPECT_EQ(text_of(round_to(exact("2.345"), 2, m::half_up), 2), "2.35");
  EXPECT_EQ(text_of(round_to(exact("-2.345"), 2, m::half_up), 2), "-2.35");
  EXPECT_EQ(text_of(round_to(exact("-2.345"), 2, m::half_down), 2), "-2.34");
  EXPECT_EQ(text_of(round_to(exact("-2.341"), 2, m::down), 2), "-2.34");
  EXPECT_EQ(text_of(round_to(exact("-2.341"), 2, m::up), 2), "-2.35");
  EXPECT_EQ(text_of(round_to(exact("-2.341"), 2, m::floor), 2), "-2.35");
  EXPECT_EQ(text_of(round_to(exact("-2.349"), 2, m::ceiling), 2), "-2.34");
  EXPECT_EQ(text_of(round_to(exact("1234.56") * exact("1.083457"), 2, m::half_even), 2), "1337.59");
  EXPECT_EQ(text_of(round_to(exact("-0.001"), 2, m::half_even), 2), "0.00");
  EXPECT_EQ(text_of(exact("0.05"), 2), "0.05");
}

TEST(Differential, NaiveEvaluatorReproducesWorkedExample1) {
  plan_desc p;
  p.rules.push_back({percent(100, 0), {}});
  p.measures.push_back({"credited", aggregate::sum, {}});
  component_desc c;
  c.name = "commission";
  c.kind = formula_kind::tiers_marginal;
  c.by_attainment = true;
  for (auto [lower, rate] : std::vector<std::pair<int, int>>{{0, 2}, {50, 8}, {100, 12}, {150, 15}})
    c.bands.push_back({percent(lower, 0), false, percent(rate, 0)});
  p.components.push_back(c);
  data_desc d;
  d.payees = {"1"};
  d.target = {"2000.00"};
  d.txns.push_back({"T1", 2, 10, "1", "130000.00", "", "saas"});
  d.eur_rate.assign(4, "");
  d.quota = {{"100000.00", "100000.00", "100000.00", "100000.00"}};
  EXPECT_EQ(naive_payouts(p, d).at("1|2026-Q1|commission"), "8600.00");
  EXPECT_EQ(engine_payouts(plan_text(p), p, d).payouts->at("1|2026-Q1|commission"), "8600.00");
}

TEST(Differential, EngineAgreesWithNaiveEvaluator) {
  const std::uint64_t pairs = env_or("ICM_DIFFERENTIAL_PAIRS", 10000);
  random_source r{std::mt19937_64(env_or("ICM_DIFFERENTIAL_SEED", 20260101))};
  auto start = std::chrono::steady_clock::now();
  int failures = 0;
  std::uint64_t lines = 0, nonzero = 0;
  for (std::uint64_t pair = 0; pair < pairs && failures < 3; ++pair) {
    plan_desc p = random_plan(r);
    data_desc d = random_data_set(r, p);
    std::string text = plan_text(p);
    payout_map naive = naive_payouts(p, d);
    engine_outcome engine = engine_payouts(text, p, d);
    std::string diff = engine.payouts ? differences(naive, *engine.payouts) : "  engine gave no result\n";
    if (std::getenv("ICM_DIFFERENTIAL_SHOW") && pair < 3)
      std::printf("%s%s%s", text.c_str(), data_text(p, d).c_str(), map_text(naive).c_str());
    lines += naive.size();
    for (const auto& [key, amount] : naive) nonzero += amount != "0.00";
    if (diff.empty() && engine.errors.empty()) continue;
    ++failures;
    ADD_FAILURE() << "pair " << pair << ": engine and naive evaluator differ\n"
                  << diff << "engine errors:\n"
                  << engine.errors << "plan:\n"
                  << text << "data:\n"
                  << data_text(p, d) << "naive:\n"
                  << map_text(naive) << "engine:\n"
                  << (engine.payouts ? map_text(*engine.payouts) : "(none)\n");
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("differential: %llu pairs, %llu payout lines (%llu not zero) in %.1f s\n",
              static_cast<unsigned long long>(pairs), static_cast<unsigned long long>(lines),
              static_cast<unsigned long long>(nonzero), seconds);
  // A generator that only ever produced zeros would compare nothing.
  EXPECT_GT(nonzero * 4, lines);
}

// Differences the differential test found, each reduced to a few rows.
namespace {

// One payee "1" (target 10,000.00) with quota 100,000.00 in every quarter and
// the given transactions (id, date, amount, currency, product).
std::optional<payout_map> run_small(const std::string& plan,
                                    const std::vector<std::vector<std::string>>& txns,
                                    const std::string& eur_rate = "") {
  plan_desc p;  // only the period names are used
  data_desc d;
  d.payees = {"1"};
  d.target = {"10000.00"};
  for (const auto& t : txns)
    d.txns.push_back({t[0], std::stoi(t[1].substr(5, 2)), std::stoi(t[1].substr(8, 2)), "1", t[2], t[3], t[4]});
  d.eur_rate.assign(4, eur_rate);
  d.quota = {{"100000.00", "100000.00", "100000.00", "100000.00"}};
  auto o = engine_payouts(plan, p, d);
  EXPECT_EQ(o.errors, "");
  return o.payouts;
}

}  // namespace

// `amount` in a measure's filter is the credit in plan currency (language.md
// section 6, spec section 10), not the transaction's own amount: the checker
// bound it to the transaction amount, so a 12.5% credit of 20,000.00 passed
// `amount >= 16800`.
TEST(DifferentialRegressions, AmountInMeasureFilterIsTheCredit) {
  auto payouts = run_small(
      "plan \"P\" { currency USD period quarter year 2026 }\ncolumns product\n"
      "credit 12.5%\n"
      "measure big = sum(credit where amount >= 16800)\n"
      "measure big_eur = sum(credit where product == \"eur\" and amount > 1000)\n"
      "component c { pay big * 10% }\ncomponent e { pay big_eur * 10% }\n",
      {{"T1", "2026-02-01", "200000.00", "", "saas"},  // credit 25,000.00: counted
       {"T2", "2026-02-02", "20000.00", "", "saas"},   // credit 2,500.00: not counted
       {"T3", "2026-02-03", "900.00", "EUR", "eur"}},  // 900 EUR, credit 900 x 12.5% x 10 = 1,125.00: counted
      "10.000000");
  ASSERT_TRUE(payouts);
  EXPECT_EQ(payouts->at("1|2026-Q1|c"), "2500.00");
  EXPECT_EQ(payouts->at("1|2026-Q1|e"), "112.50");
}
