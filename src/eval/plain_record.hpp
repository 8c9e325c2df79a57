// The stream's hot path for one CSV record: where its fields start, read off
// bit masks of its separators. See plain_record.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace icm::eval {

// The common record, read fast: no quote, no carriage return but one before
// the line feed, exactly `expected` fields, none longer than `max_field`.
// Writes where its fields start into `at` (expected + 1 offsets in the
// block; field k is [at[k], at[k + 1] - 1), the last entry one past the
// content's end) and returns the offset of the byte after the record's line
// feed (or block.size() at the end of the file), or 0 when the record at
// `pos` is anything else (blank, quoted, malformed): the general path reads
// it then, with its errors. Offsets, not csv::field: a field's line, column
// and length are wanted only for an error.
//
// Every variant gives the same answer for the same bytes (tests/
// plain_record_test.cpp compares them); they differ in the instructions used.
using plain_record_fn = std::size_t (*)(std::string_view block, std::size_t pos, std::uint32_t expected,
                                        std::size_t max_field, std::size_t* at);

// x86-64's baseline (SSE2), or a byte loop elsewhere.
std::size_t plain_record_baseline(std::string_view block, std::size_t pos, std::uint32_t expected,
                                  std::size_t max_field, std::size_t* at);

// With AVX2, BMI1 and POPCNT: the 64 bytes' masks from two loads, and the
// fields' starts without a test per comma. Call it only when
// wide_plain_record_available(); it is nullptr where it was not built.
extern const plain_record_fn plain_record_wide;
bool wide_plain_record_available();

// The variant for this processor: the wide one when it can run.
plain_record_fn best_plain_record();

}  // namespace icm::eval
