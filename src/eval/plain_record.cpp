// plain_record: see plain_record.hpp.
//
// Most records are shorter than 64 bytes: their separators are found as bit
// masks of the 64 bytes at the record's start, and the fields' starts read
// off the comma bits, with no branch per separator. A record not ending in
// those bytes (or within 64 bytes of the block's end) is read by a loop over
// 16-byte masks. The wide variant is the same reading with AVX2 loads and
// BMI/POPCNT bit instructions, chosen at run time: the library is built for
// x86-64's baseline, which every processor it runs on has.
#include "eval/plain_record.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ICM_WIDE_PLAIN_RECORD 1
#endif

namespace icm::eval {
namespace {

// Bit i set where p[i] is ',', '\n', '"' or '\r', for 16 bytes at p.
inline std::uint32_t separators16(const char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(hit));
#else
  std::uint32_t m = 0;
  for (unsigned i = 0; i < 16; ++i)
    m |= static_cast<std::uint32_t>(p[i] == ',' || p[i] == '\n' || p[i] == '"' || p[i] == '\r') << i;
  return m;
#endif
}

// The separators of the 64 bytes at a record's start, as bit masks.
struct separator_masks {
  std::uint64_t comma = 0, line_feed = 0, other = 0;  // other: '"' and '\r'
};

// The record at pos from its 64 bytes' masks, when its line feed is among
// them (masks.line_feed != 0). With a popcount instruction the commas are
// counted first and the starts written without a test each; without one
// they are counted as the starts are written (the library call that stands
// in for the instruction costs more than the tests).
template <bool Popcount>
[[gnu::always_inline]] inline std::size_t plain_from_masks(const char* b, std::size_t pos, std::uint32_t expected,
                                                           std::size_t* at, const separator_masks& masks) {
  const unsigned end = static_cast<unsigned>(__builtin_ctzll(masks.line_feed));
  unsigned content = end;
  // A quote, or a carriage return but one just before the line feed: not
  // plain.
  if (const std::uint64_t odd = masks.other & ((std::uint64_t{1} << end) - 1); odd != 0) {
    if (odd != std::uint64_t{1} << (end - 1) || b[pos + end - 1] != '\r') return 0;
    content = end - 1;
  }
  if (content == 0) return 0;  // a blank line
  std::uint64_t commas = masks.comma & ((std::uint64_t{1} << content) - 1);
  at[0] = pos;
  if constexpr (Popcount) {
    if (static_cast<std::uint32_t>(__builtin_popcountll(commas)) + 1 != expected) return 0;
    for (std::uint32_t k = 1; k < expected; ++k, commas &= commas - 1)
      at[k] = pos + static_cast<std::size_t>(__builtin_ctzll(commas)) + 1;
  } else {
    std::uint32_t k = 1;
    for (; commas != 0 && k < expected; ++k, commas &= commas - 1)
      at[k] = pos + static_cast<std::size_t>(__builtin_ctzll(commas)) + 1;
    if (commas != 0 || k != expected) return 0;
  }
  at[expected] = pos + content + 1;
  return pos + end + 1;
}

// Any record, 16 bytes a step: one separator at a time.
std::size_t plain_record_loop(std::string_view block, std::size_t pos, std::uint32_t expected, std::size_t max_field,
                              std::size_t* at) {
  const char* const b = block.data();
  const std::size_t n = block.size();
  std::uint32_t k = 0;
  std::size_t field_start = pos, content_end = 0, next = 0;
  at[0] = pos;
  // One separator: a comma closes field k; the line feed (after an optional
  // carriage return) ends the record.
  const auto step = [&](std::size_t j) -> int {  // 1 go on, 0 record ends, -1 not plain
    const char c = b[j];
    if (c == ',') {
      if (k + 1 >= expected || j - field_start > max_field) return -1;
      field_start = j + 1;
      at[++k] = field_start;
      return 1;
    }
    if (c == '\n') {
      content_end = j;
      next = j + 1;
      return 0;
    }
    if (c == '\r' && j + 1 < n && b[j + 1] == '\n') {
      content_end = j;
      next = j + 2;
      return 0;
    }
    return -1;  // a quote, or a carriage return not ending the line
  };
  std::size_t i = pos;
  int state = 1;
  for (; state == 1 && i + 16 <= n; i += 16)
    for (std::uint32_t m = separators16(b + i); m != 0 && state == 1; m &= m - 1)
      state = step(i + static_cast<std::size_t>(__builtin_ctz(m)));
  for (; state == 1 && i < n; ++i)
    if (b[i] == ',' || b[i] == '\n' || b[i] == '"' || b[i] == '\r') state = step(i);
  if (state == -1) return 0;
  if (state == 1) {  // the file's last record, without a line break
    content_end = n;
    next = n;
  }
  if (content_end == pos || k + 1 != expected || content_end - field_start > max_field) return 0;
  at[expected] = content_end + 1;
  return next;
}

#if defined(ICM_WIDE_PLAIN_RECORD)
// Bit i set where the 64 bytes lo:hi hold c.
[[gnu::always_inline]] __attribute__((target("avx2"))) inline std::uint64_t equal_mask64(__m256i lo, __m256i hi,
                                                                                        char c) {
  const __m256i cc = _mm256_set1_epi8(c);
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, cc))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, cc)))) << 32;
}

__attribute__((target("avx2,bmi,popcnt"))) std::size_t plain_record_avx2(std::string_view block, std::size_t pos,
                                                                         std::uint32_t expected, std::size_t max_field,
                                                                         std::size_t* at) {
  const char* const b = block.data();
  if (pos + 64 <= block.size() && max_field >= 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + pos));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + pos + 32));
    separator_masks masks;
    masks.line_feed = equal_mask64(lo, hi, '\n');
    if (masks.line_feed != 0) {
      masks.comma = equal_mask64(lo, hi, ',');
      masks.other = equal_mask64(lo, hi, '"') | equal_mask64(lo, hi, '\r');
      return plain_from_masks<true>(b, pos, expected, at, masks);
    }
  }
  return plain_record_loop(block, pos, expected, max_field, at);
}
#endif

}  // namespace

std::size_t plain_record_baseline(std::string_view block, std::size_t pos, std::uint32_t expected,
                                  std::size_t max_field, std::size_t* at) {
#if defined(__SSE2__)
  const char* const b = block.data();
  if (pos + 64 <= block.size() && max_field >= 64) {
    separator_masks masks;
    for (unsigned q = 0; q < 4; ++q) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + pos + 16 * q));
      const auto bits = [&](__m128i hit) {
        return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(hit))) << (16 * q);
      };
      masks.comma |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
      masks.line_feed |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
      masks.other |= bits(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    }
    if (masks.line_feed != 0) return plain_from_masks<false>(b, pos, expected, at, masks);
  }
#endif
  return plain_record_loop(block, pos, expected, max_field, at);
}

#if defined(ICM_WIDE_PLAIN_RECORD)
const plain_record_fn plain_record_wide = &plain_record_avx2;

bool wide_plain_record_available() {
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt");
  }();
  return available;
}
#else
const plain_record_fn plain_record_wide = nullptr;

bool wide_plain_record_available() { return false; }
#endif

plain_record_fn best_plain_record() {
  return wide_plain_record_available() ? plain_record_wide : &plain_record_baseline;
}

}  // namespace icm::eval
