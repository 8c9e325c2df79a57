// Row conditions bound to a data set. See row_filter.hpp.
#include "eval/row_filter.hpp"

#include <algorithm>
#include <array>

namespace icm::eval {

using compile::comparison;
using compile::row_source;

namespace {

bool order_holds(comparison op, std::strong_ordering o) {
  switch (op) {
    case comparison::eq: return o == 0;
    case comparison::ne: return o != 0;
    case comparison::lt: return o < 0;
    case comparison::le: return o <= 0;
    case comparison::gt: return o > 0;
    case comparison::ge: return o >= 0;
    default: return false;
  }
}

// Spec section 10: numeric when both sides are decimals, chronological when
// both are ISO dates, otherwise text (only == and !=).
std::optional<std::strong_ordering> dynamic_compare(std::string_view value,
                                                    const compile::row_test::constant& c,
                                                    bool& text_only) {
  text_only = false;
  std::string constant_text;
  if (c.type == check::value_type::text) {
    constant_text = c.text;
  } else if (c.type == check::value_type::date) {
    auto d = parse_date(value);
    if (!d) return std::nullopt;
    auto days = c.number.to_int64().value_or(0);
    return d->days <=> static_cast<std::int32_t>(days);
  } else {
    auto v = decimal::parse(value);
    if (!v) return std::nullopt;
    return *v <=> c.number;
  }
  if (auto a = decimal::parse(value)) {
    if (auto b = decimal::parse(constant_text)) return *a <=> *b;
  }
  if (auto a = parse_date(value)) {
    if (auto b = parse_date(constant_text)) return a->days <=> b->days;
  }
  text_only = true;
  return value <=> std::string_view(constant_text);
}

bool text_test(std::string_view value, comparison op, const std::vector<compile::row_test::constant>& cs) {
  auto holds = [&](comparison o, const compile::row_test::constant& c) {
    bool text_only = false;
    auto ord = dynamic_compare(value, c, text_only);
    if (!ord) return o == comparison::ne;  // not comparable: only "differs" holds
    if (text_only && o != comparison::eq && o != comparison::ne) return false;
    return order_holds(o, *ord);
  };
  switch (op) {
    case comparison::in:
      for (const auto& c : cs)
        if (holds(comparison::eq, c)) return true;
      return false;
    case comparison::not_in:
      for (const auto& c : cs)
        if (holds(comparison::eq, c)) return false;
      return true;
    case comparison::between: return holds(comparison::ge, cs[0]) && holds(comparison::le, cs[1]);
    default: return holds(op, cs[0]);
  }
}

// Whether a test is decided by comparing texts alone: ==, !=, in, not in
// with constants that are neither numbers nor dates (section 10 compares
// numerically, or as dates, only when both sides are numbers or dates, as
// dynamic_compare does). No parsing of the value then.
bool by_text_alone(const compile::row_test& t) {
  if (t.op != comparison::eq && t.op != comparison::ne && t.op != comparison::in && t.op != comparison::not_in)
    return false;
  for (const auto& c : t.constants)
    if (c.type != check::value_type::text || decimal::parse(c.text) || parse_date(c.text)) return false;
  return true;
}

bool equals_any(std::string_view value, const std::vector<compile::row_test::constant>& cs) {
  for (const auto& c : cs)
    if (value == c.text) return true;
  return false;
}

template <typename F>
void for_each_test(const compile::compiled_plan& plan, F&& f) {
  for (const auto& r : plan.rules)
    for (const auto& t : r.condition.tests) f(t);
  for (const auto& a : plan.aggregates)
    for (const auto& t : a.filter.tests) f(t);
}

bool is_text_source(row_source s) {
  return s == row_source::column || s == row_source::txn_currency || s == row_source::txn_payee;
}

}  // namespace

text_test_set::text_test_set(const compile::compiled_plan& plan, const payee_table& payees)
    : plan_currency_(plan.settings().currency) {
  for_each_test(plan, [&](const compile::row_test& t) {
    if (t.source == row_source::column &&
        std::find(columns_.begin(), columns_.end(), t.column) == columns_.end())
      columns_.push_back(t.column);
  });
  tests_.resize(columns_.size() + 2);  // columns, currency, payee
  by_text_.resize(tests_.size());
  for_each_test(plan, [&](const compile::row_test& t) {
    std::size_t slot = 0;
    switch (t.source) {
      case row_source::column:
        slot = static_cast<std::size_t>(std::find(columns_.begin(), columns_.end(), t.column) -
                                        columns_.begin());
        break;
      case row_source::txn_currency: slot = columns_.size(); break;
      case row_source::txn_payee: slot = columns_.size() + 1; break;
      default: return;
    }
    if (tests_[slot].size() == 64) {
      too_many_ = true;
      return;
    }
    tests_[slot].push_back(&t);
    by_text_[slot].push_back(by_text_alone(t));
  });
  const auto& payee_tests = tests_.back();
  payee_truth_.assign(payees.size(), 0);
  if (!payee_tests.empty())
    for (std::size_t p = 0; p < payees.size(); ++p)
      for (std::size_t b = 0; b < payee_tests.size(); ++b)
        if (holds(tests_.size() - 1, b, payees.ids[p]))
          payee_truth_[p] |= std::uint64_t{1} << b;
}

std::uint64_t text_test_set::truth(std::size_t slot, std::string_view value) const {
  if (slot == currency_slot() && value.empty()) value = plan_currency_;
  std::uint64_t word = 0;
  for (std::size_t b = 0; b < tests_[slot].size(); ++b)
    if (holds(slot, b, value)) word |= std::uint64_t{1} << b;
  return word;
}

bool text_test_set::holds(std::size_t slot, std::size_t b, std::string_view value) const {
  const auto& t = *tests_[slot][b];
  if (!by_text_[slot][b]) return text_test(value, t.op, t.constants);
  const bool equal = equals_any(value, t.constants);
  return t.op == comparison::eq || t.op == comparison::in ? equal : !equal;
}

std::pair<std::size_t, unsigned> text_test_set::place(const compile::row_test* t) const {
  for (std::size_t s = 0; s < tests_.size(); ++s)
    for (std::size_t b = 0; b < tests_[s].size(); ++b)
      if (tests_[s][b] == t) return {s, static_cast<unsigned>(b)};
  return {tests_.size(), 0};  // beyond the 64-test limit (reported by the kernel)
}

row_filter::row_filter(const compile::row_program& program, const text_test_set& texts,
                       int minor_digits)
    : code_(program.code), payee_truth_(texts.payee_truth().data()), minor_digits_(minor_digits) {
  for (const auto& t : program.tests) {
    test b;
    b.source = t.source;
    b.op = t.op;
    if (is_text_source(t.source)) {
      auto [slot, bit] = texts.place(&t);
      b.slot = slot;
      b.bit = std::uint64_t{1} << bit;
      tests_.push_back(std::move(b));
      continue;
    }
    switch (t.source) {
      case row_source::txn_amount:
      case row_source::credit_amount:
        for (const auto& c : t.constants) {
          if (c.type == check::value_type::text) {
            auto v = decimal::parse(c.text);
            if (!v) {  // text that is not a number never equals an amount
              b.has_constant_result = true;
              b.constant_result = t.op == comparison::ne || t.op == comparison::not_in;
            } else {
              b.numbers.push_back(*v);
            }
          } else {
            b.numbers.push_back(c.number);
          }
        }
        break;
      case row_source::txn_date:
        for (const auto& c : t.constants) {
          std::optional<std::int32_t> d;
          if (c.type == check::value_type::date) d = static_cast<std::int32_t>(c.number.to_int64().value_or(0));
          else if (c.type == check::value_type::text)
            if (auto pd = parse_date(c.text)) d = pd->days;
          if (!d) {
            b.has_constant_result = true;
            b.constant_result = t.op == comparison::ne || t.op == comparison::not_in;
          } else {
            b.days.push_back(*d);
          }
        }
        break;
      default: break;
    }
    tests_.push_back(std::move(b));
  }
}

namespace {

template <typename T>
bool compare_holds(comparison op, const T& v, const std::vector<T>& cs) {
  switch (op) {
    case comparison::in:
      for (const auto& n : cs)
        if (v == n) return true;
      return false;
    case comparison::not_in:
      for (const auto& n : cs)
        if (v == n) return false;
      return true;
    case comparison::between: return v >= cs[0] && v <= cs[1];
    default: return order_holds(op, v <=> cs[0]);
  }
}

// A postfix condition, one row: `leaf(t)` is the value of test t. An empty
// program holds for every row; the parser's nesting limit bounds the depth.
template <typename Leaf>
bool holds(const std::vector<compile::row_instruction>& code, Leaf&& leaf) {
  if (code.empty()) return true;
  std::array<bool, 256> stack{};
  std::size_t top = 0;
  for (const auto& ins : code) {
    switch (ins.op) {
      case compile::row_op::test: stack[top++] = leaf(ins.test); break;
      case compile::row_op::logical_and:
        --top;
        stack[top - 1] = stack[top - 1] && stack[top];
        break;
      case compile::row_op::logical_or:
        --top;
        stack[top - 1] = stack[top - 1] || stack[top];
        break;
      case compile::row_op::logical_not: stack[top - 1] = !stack[top - 1]; break;
      case compile::row_op::always: stack[top++] = true; break;
    }
    if (top >= stack.size()) return false;
  }
  return top > 0 && stack[top - 1];
}

}  // namespace

bool row_filter::run_test(const test& t, const txn_chunk& c, std::size_t row,
                          const credit_view& credit) const {
  if (t.has_constant_result) return t.constant_result;
  switch (t.source) {
    case row_source::column:
    case row_source::txn_currency: {
      const auto& col = c.text[t.slot];
      std::uint32_t id = col.ids ? col.ids[row] : 0;
      return (col.truth[id] & t.bit) != 0;
    }
    case row_source::txn_payee: return (payee_truth_[c.payee[row]] & t.bit) != 0;
    case row_source::txn_amount:
      return compare_holds(t.op, decimal(c.amount[row], c.amount_scale), t.numbers);
    case row_source::credit_amount:
      return compare_holds(t.op, decimal(credit.minor, minor_digits_), t.numbers);
    case row_source::txn_date: return compare_holds(t.op, c.date[row], t.days);
    case row_source::is_rollup: return credit.rollup;
  }
  return false;
}

void row_filter::run_test(const test& t, const txn_chunk& c, const std::uint32_t* sel, std::size_t n,
                          std::uint8_t* out) const {
  if (t.has_constant_result) {
    std::fill(out, out + n, static_cast<std::uint8_t>(t.constant_result));
    return;
  }
  switch (t.source) {
    case row_source::column:
    case row_source::txn_currency: {
      const auto& col = c.text[t.slot];
      const std::uint64_t* truth = col.truth;
      const std::uint64_t bit = t.bit;
      if (!col.ids) {
        std::fill(out, out + n, static_cast<std::uint8_t>((truth[0] & bit) != 0));
        return;
      }
      const std::uint32_t* ids = col.ids;
      for (std::size_t j = 0; j < n; ++j) out[j] = (truth[ids[sel[j]]] & bit) != 0;
      return;
    }
    case row_source::txn_payee: {
      const std::uint64_t bit = t.bit;
      for (std::size_t j = 0; j < n; ++j) out[j] = (payee_truth_[c.payee[sel[j]]] & bit) != 0;
      return;
    }
    case row_source::txn_date:
      if (t.op == comparison::between) {
        const std::int32_t lo = t.days[0], hi = t.days[1];
        for (std::size_t j = 0; j < n; ++j) {
          const std::int32_t d = c.date[sel[j]];
          out[j] = d >= lo && d <= hi;
        }
        return;
      }
      break;
    default: break;
  }
  // Amounts and the rarer date forms: row by row.
  for (std::size_t j = 0; j < n; ++j) out[j] = run_test(t, c, sel[j], credit_view{});
}

void row_filter::select(const txn_chunk& c, const std::uint32_t* sel, std::size_t n, std::uint8_t* out,
                        std::vector<std::vector<std::uint8_t>>& scratch) const {
  if (code_.empty()) {
    std::fill(out, out + n, std::uint8_t{1});
    return;
  }
  // Postfix over masks: one mask per stack level; the result is moved to out.
  std::size_t top = 0;
  auto level = [&](std::size_t k) -> std::uint8_t* {
    if (scratch.size() <= k) scratch.resize(k + 1);
    if (scratch[k].size() < n) scratch[k].resize(n);
    return scratch[k].data();
  };
  for (const auto& ins : code_) {
    switch (ins.op) {
      case compile::row_op::test: run_test(tests_[ins.test], c, sel, n, level(top++)); break;
      case compile::row_op::logical_and: {
        --top;
        std::uint8_t* a = level(top - 1);
        const std::uint8_t* b = level(top);
        for (std::size_t j = 0; j < n; ++j) a[j] &= b[j];
        break;
      }
      case compile::row_op::logical_or: {
        --top;
        std::uint8_t* a = level(top - 1);
        const std::uint8_t* b = level(top);
        for (std::size_t j = 0; j < n; ++j) a[j] |= b[j];
        break;
      }
      case compile::row_op::logical_not: {
        std::uint8_t* a = level(top - 1);
        for (std::size_t j = 0; j < n; ++j) a[j] ^= 1;
        break;
      }
      case compile::row_op::always: std::fill(level(top), level(top) + n, std::uint8_t{1}); ++top; break;
    }
  }
  if (top == 0) {
    std::fill(out, out + n, std::uint8_t{0});
    return;
  }
  std::copy(level(top - 1), level(top - 1) + n, out);
}

bool row_filter::matches(const txn_chunk& c, std::size_t row, const credit_view& credit) const {
  return holds(code_, [&](std::uint32_t t) { return run_test(tests_[t], c, row, credit); });
}

std::optional<std::size_t> row_filter::deciding_slot() const {
  std::size_t slot = every_slot;
  for (const auto& t : tests_) {
    if (t.source != row_source::column && t.source != row_source::txn_currency) return std::nullopt;
    if (slot != every_slot && slot != t.slot) return std::nullopt;
    slot = t.slot;
  }
  return slot;
}

bool row_filter::holds_for_word(std::uint64_t word) const {
  return holds(code_, [&](std::uint32_t t) { return (word & tests_[t].bit) != 0; });
}

}  // namespace icm::eval
