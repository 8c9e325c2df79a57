// Compiles checked row conditions into flat postfix programs. See
// compiled_plan.hpp.
#include <fmt/format.h>

#include "compile/compiled_plan.hpp"

namespace icm::compile {

using check::bound_expr;
using check::node_kind;

bool row_program::reads_credit() const {
  for (const auto& t : tests)
    if (t.source == row_source::credit_amount || t.source == row_source::is_rollup) return true;
  return false;
}

namespace {

std::optional<row_source> source_of(const bound_expr& e) {
  switch (e.kind) {
    case node_kind::column: return row_source::column;
    case node_kind::txn_currency: return row_source::txn_currency;
    case node_kind::txn_payee: return row_source::txn_payee;
    case node_kind::txn_amount: return row_source::txn_amount;
    case node_kind::txn_date: return row_source::txn_date;
    case node_kind::credit_amount: return row_source::credit_amount;
    case node_kind::is_rollup: return row_source::is_rollup;
    default: return std::nullopt;
  }
}

std::optional<row_test::constant> constant_of(const bound_expr& e) {
  if (e.kind == node_kind::constant) return row_test::constant{e.type, e.number, e.text};
  if (e.kind == node_kind::neg && e.args[0].kind == node_kind::constant)
    return row_test::constant{e.args[0].type, -e.args[0].number, {}};
  return std::nullopt;
}

// `5 < amount` is `amount > 5`.
comparison flipped(comparison c) {
  switch (c) {
    case comparison::lt: return comparison::gt;
    case comparison::le: return comparison::ge;
    case comparison::gt: return comparison::lt;
    case comparison::ge: return comparison::le;
    default: return c;
  }
}

class row_compiler {
 public:
  row_compiler(diagnostics& diags) : diags_(diags) {}

  row_program compile(const bound_expr& e) {
    row_program p;
    emit(e, p);
    return p;
  }

 private:
  diagnostics& diags_;

  void unsupported(const bound_expr& e) {
    diags_.error(e.where, "a row condition compares one column with constants (e.g. product == \"saas\", "
                          "amount > 0, date between 2026-01-01 and 2026-03-31)");
  }

  void emit(const bound_expr& e, row_program& p) {
    switch (e.kind) {
      case node_kind::logical_and:
      case node_kind::logical_or:
        emit(e.args[0], p);
        emit(e.args[1], p);
        p.code.push_back({e.kind == node_kind::logical_and ? row_op::logical_and : row_op::logical_or, 0});
        return;
      case node_kind::logical_not:
        emit(e.args[0], p);
        p.code.push_back({row_op::logical_not, 0});
        return;
      case node_kind::is_rollup: {
        row_test t;
        t.source = row_source::is_rollup;
        push(t, p);
        return;
      }
      case node_kind::eq:
      case node_kind::ne:
      case node_kind::lt:
      case node_kind::le:
      case node_kind::gt:
      case node_kind::ge: {
        static const comparison cmp[] = {comparison::eq, comparison::ne, comparison::lt,
                                         comparison::le, comparison::gt, comparison::ge};
        auto op = cmp[static_cast<int>(e.kind) - static_cast<int>(node_kind::eq)];
        const bound_expr* col = &e.args[0];
        const bound_expr* lit = &e.args[1];
        if (!source_of(*col)) {
          std::swap(col, lit);
          op = flipped(op);
        }
        auto src = source_of(*col);
        auto c = constant_of(*lit);
        if (!src || !c || *src == row_source::is_rollup) return unsupported(e);
        row_test t;
        t.source = *src;
        t.column = col->text;
        t.op = op;
        t.constants.push_back(*c);
        push(t, p);
        return;
      }
      case node_kind::in_list:
      case node_kind::between: {
        auto src = source_of(e.args[0]);
        if (!src || *src == row_source::is_rollup) return unsupported(e);
        row_test t;
        t.source = *src;
        t.column = e.args[0].text;
        t.op = e.kind == node_kind::between ? comparison::between
               : e.text == "not in"         ? comparison::not_in
                                            : comparison::in;
        for (std::size_t i = 1; i < e.args.size(); ++i) {
          auto c = constant_of(e.args[i]);
          if (!c) return unsupported(e);
          t.constants.push_back(*c);
        }
        push(t, p);
        return;
      }
      default: unsupported(e);
    }
  }

  static void push(row_test t, row_program& p) {
    p.tests.push_back(std::move(t));
    p.code.push_back({row_op::test, static_cast<std::uint32_t>(p.tests.size() - 1)});
  }
};

}  // namespace

std::optional<compiled_plan> compile_plan(check::checked_plan checked, diagnostics& diags) {
  compiled_plan out;
  row_compiler rc(diags);
  const auto before = diags.error_count();
  for (const auto& r : checked.rules) {
    compiled_rule cr;
    cr.weight = r.weight;
    cr.where = r.where;
    if (r.condition) cr.condition = rc.compile(*r.condition);
    out.rules.push_back(std::move(cr));
  }
  for (const auto& a : checked.aggregates) {
    compiled_aggregate ca;
    ca.fn = a.fn;
    if (a.filter) ca.filter = rc.compile(*a.filter);
    out.aggregates.push_back(std::move(ca));
  }
  if (diags.error_count() > before) return std::nullopt;
  out.checked = std::move(checked);
  return out;
}

}  // namespace icm::compile
