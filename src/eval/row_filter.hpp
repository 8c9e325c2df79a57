// eval/row_filter.hpp - a compiled row condition bound to one data set.
//
// Binding turns each text test into a lookup table indexed by interned
// string id (or payee row), computed once per distinct value with the
// spec's dynamic comparison rules; the per-row cost is then one load per
// test, with no string comparison and no allocation.
#pragma once

#include <cstdint>
#include <vector>

#include "compile/compiled_plan.hpp"
#include "icm/data.hpp"

namespace icm::eval {

// What a test may read about the credit being filtered.
struct credit_view {
  std::int64_t minor = 0;  // credit amount in plan-currency minor units
  bool rollup = false;
};

class row_filter {
 public:
  row_filter() = default;
  row_filter(const compile::row_program& program, const dataset& data, std::string_view plan_currency,
             int minor_digits);

  bool empty() const { return code_.empty(); }
  bool matches(std::size_t row, const credit_view& credit = {}) const;

 private:
  struct test {
    compile::row_source source;
    compile::comparison op;
    const std::vector<std::uint32_t>* ids = nullptr;  // column values or currency ids
    std::vector<std::uint8_t> table;                  // truth by id (text sources)
    std::vector<decimal> numbers;                     // numeric constants (amount, credit)
    std::vector<std::int32_t> days;                   // date constants
    bool constant_result = false;                     // used when a constant can never match
    bool has_constant_result = false;
  };
  bool run_test(const test& t, std::size_t row, const credit_view& credit) const;

  std::vector<test> tests_;
  std::vector<compile::row_instruction> code_;
  const dataset* data_ = nullptr;
  int amount_scale_ = 0;
  int minor_digits_ = 2;
};

}  // namespace icm::eval
