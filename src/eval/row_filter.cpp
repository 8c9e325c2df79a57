// Row conditions bound to a data set. See row_filter.hpp.
#include "eval/row_filter.hpp"

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

}  // namespace

row_filter::row_filter(const compile::row_program& program, const dataset& data,
                       std::string_view plan_currency, int minor_digits)
    : code_(program.code), data_(&data), amount_scale_(data.transactions.amount_scale),
      minor_digits_(minor_digits) {
  const auto& pool = data.strings;
  for (const auto& t : program.tests) {
    test b;
    b.source = t.source;
    b.op = t.op;
    switch (t.source) {
      case row_source::column: {
        const auto* col = data.transactions.attribute(t.column);
        b.ids = col ? &col->values : nullptr;  // presence is checked before running
        b.table.resize(pool.size());
        for (std::uint32_t id = 0; id < pool.size(); ++id)
          b.table[id] = text_test(pool.view(id), t.op, t.constants);
        break;
      }
      case row_source::txn_currency: {
        b.ids = data.transactions.has_currency_column ? &data.transactions.currency : nullptr;
        b.table.resize(pool.size());
        for (std::uint32_t id = 0; id < pool.size(); ++id) {
          auto v = pool.view(id);
          b.table[id] = text_test(v.empty() ? plan_currency : v, t.op, t.constants);
        }
        if (b.table.empty()) b.table.push_back(text_test(plan_currency, t.op, t.constants));
        break;
      }
      case row_source::txn_payee: {
        b.table.resize(data.payees.size());
        for (std::uint32_t p = 0; p < data.payees.size(); ++p)
          b.table[p] = text_test(data.payees.ids[p], t.op, t.constants);
        break;
      }
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
      case row_source::is_rollup: break;
    }
    tests_.push_back(std::move(b));
  }
}

bool row_filter::run_test(const test& t, std::size_t row, const credit_view& credit) const {
  if (t.has_constant_result) return t.constant_result;
  switch (t.source) {
    case row_source::column:
    case row_source::txn_currency: {
      std::uint32_t id = t.ids ? (*t.ids)[row] : 0;
      return t.table[id];
    }
    case row_source::txn_payee: return t.table[data_->transactions.payee[row]];
    case row_source::txn_amount:
    case row_source::credit_amount: {
      decimal v = t.source == row_source::txn_amount ? decimal(data_->transactions.amount[row], amount_scale_)
                                                     : decimal(credit.minor, minor_digits_);
      switch (t.op) {
        case comparison::in:
          for (const auto& n : t.numbers)
            if (v == n) return true;
          return false;
        case comparison::not_in:
          for (const auto& n : t.numbers)
            if (v == n) return false;
          return true;
        case comparison::between: return v >= t.numbers[0] && v <= t.numbers[1];
        default: return order_holds(t.op, v <=> t.numbers[0]);
      }
    }
    case row_source::txn_date: {
      std::int32_t d = data_->transactions.date[row];
      switch (t.op) {
        case comparison::in:
          for (auto n : t.days)
            if (d == n) return true;
          return false;
        case comparison::not_in:
          for (auto n : t.days)
            if (d == n) return false;
          return true;
        case comparison::between: return d >= t.days[0] && d <= t.days[1];
        default: return order_holds(t.op, d <=> t.days[0]);
      }
    }
    case row_source::is_rollup: return credit.rollup;
  }
  return false;
}

bool row_filter::matches(std::size_t row, const credit_view& credit) const {
  if (code_.empty()) return true;
  // Postfix evaluation; the parser's nesting limit bounds the depth.
  std::array<bool, 256> stack{};
  std::size_t top = 0;
  for (const auto& ins : code_) {
    switch (ins.op) {
      case compile::row_op::test: stack[top++] = run_test(tests_[ins.test], row, credit); break;
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

}  // namespace icm::eval
