// icm::run_files: the run straight from the CSV files, transactions streamed.
//
// Why streaming: a data set of tens of millions of transactions does not need
// to be in memory; only its aggregates per payee and period do. payees.csv,
// quotas.csv and fx.csv are read whole by read_dataset; splits.csv is read
// whole and keyed by txn_id (a few percent of transactions); transactions.csv
// is cut into blocks at record boundaries, and each thread parses its block
// into chunk columns and hands them to the same credit_kernel as the
// in-memory run.
//
// What stays per transaction is one 64-bit hash of its txn_id, for the
// duplicate check; hashes are kept in 256 partitions and each partition is
// checked on its own at the end. Equal hashes are re-checked exactly by a
// second pass over the file, which also places the error.
//
// Text cells the plan tests (product, region, currency) are interned per
// thread: each thread's dictionary grows only with distinct values and keeps
// their truth words, so no lock is taken per row.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>  // calloc: lazily zeroed pages for number_bitmap
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <tuple>
#include <unordered_map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "compile/plan_impl.hpp"
#include "eval/crediting.hpp"
#include "eval/evaluate_payees.hpp"
#include "eval/plain_record.hpp"
#include "eval/run_internal.hpp"
#include "icm/io/csv.hpp"
#include "icm/run.hpp"
#include "io/dataset_rules.hpp"

namespace icm {

namespace eval {

namespace {

namespace fs = std::filesystem;

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// A 64-bit hash of a short key, 8 bytes at a time.
std::uint64_t hash_text(std::string_view s) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL * (s.size() + 1);
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  // The last 1 to 7 bytes with fixed-size loads (two overlapping ones when
  // 4 or more; first, middle and last byte below): no call to memcpy for a
  // variable length. Overlap only costs hash quality, never correctness:
  // every user re-checks equal hashes exactly.
  if (n >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    h = (h ^ (static_cast<std::uint64_t>(hi) << 32 | lo)) * 0x94d049bb133111ebULL;
  } else if (n > 0) {
    const auto b = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
    h = (h ^ (b(0) | b(n / 2) << 8 | b(n - 1) << 16)) * 0x94d049bb133111ebULL;
  }
  return mix(h);
}

// Open addressing from hash to a value; the caller re-checks the key.
class flat_index {
 public:
  // Sizes the table for n entries; re-places those it holds.
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * std::max(n, entries_.size())) cap <<= 1;
    slots_.assign(cap, {0, empty});
    mask_ = cap - 1;
    for (const auto& [h, value] : entries_) place(h, value);
  }
  template <typename KeyOf>
  std::uint32_t find(std::uint64_t h, std::string_view key, KeyOf&& key_of) const {
    if (slots_.empty()) return empty;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const auto& s = slots_[i];
      if (s.value == empty) return empty;
      if (s.tag == tag && key_of(s.value) == key) return s.value;
    }
  }
  // Where a lookup of `h` starts, to prefetch.
  const void* slot_address(std::uint64_t h) const { return slots_.empty() ? nullptr : &slots_[h & mask_]; }
  void insert(std::uint64_t h, std::uint32_t value) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    place(h, value);
    entries_.emplace_back(h, value);
  }
  static constexpr std::uint32_t empty = 0xffffffff;

 private:
  // 8 bytes a slot (the index of 10,000 payees stays in L2): the high half
  // of the hash as a tag, the low bits as the position.
  struct slot {
    std::uint32_t tag;
    std::uint32_t value;
  };
  void place(std::uint64_t h, std::uint32_t value) {
    std::size_t i = h & mask_;
    while (slots_[i].value != empty) i = (i + 1) & mask_;
    slots_[i] = {static_cast<std::uint32_t>(h >> 32), value};
  }
  void grow() { reserve(std::max<std::size_t>(8, slots_.size())); }
  std::vector<slot> slots_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries_;  // full hashes, to grow
  std::size_t mask_ = 0;
};

// A thread's dictionary of one text column: value -> id, with truth words.
// Values of at most 8 bytes (product codes, regions, deal types: most text
// cells) are found by their bytes packed into one word, without hashing the
// text or comparing it byte by byte; longer ones through a hash index. The
// short values' table is at most a quarter full, so that a value is nearly
// always in its first place: rows alternate between values, and a probe of
// a different length from row to row is a mispredicted branch.
struct text_dictionary {
  flat_index index;
  std::vector<std::string> values;
  std::vector<std::uint64_t> truth;

  // A short value in its first place is found inline, in the row loop;
  // anything else in intern_other.
  [[gnu::always_inline]] std::uint32_t intern(std::string_view v, const text_test_set& texts, std::size_t slot) {
    if (v.size() <= 8 && !shorts_.empty()) {
      const std::uint64_t word = pack(v);
      const auto length = static_cast<std::uint32_t>(v.size());
      const short_slot& e = shorts_[short_position(word, length)];
      if (e.word == word && e.length == length) return e.id;
    }
    return intern_other(v, texts, slot);
  }
  [[gnu::noinline]] std::uint32_t intern_other(std::string_view v, const text_test_set& texts, std::size_t slot) {
    if (v.size() <= 8) {
      const std::uint64_t word = pack(v);
      const auto length = static_cast<std::uint32_t>(v.size());
      if (!shorts_.empty())
        for (std::size_t i = short_position(word, length);; i = (i + 1) & (shorts_.size() - 1)) {
          const short_slot& e = shorts_[i];
          if (e.length == empty_length) break;
          if (e.word == word && e.length == length) return e.id;
        }
      const auto id = add(v, texts, slot);
      if ((short_count_ + 1) * 4 > shorts_.size()) grow_shorts();
      place_short({word, length, id});
      ++short_count_;
      return id;
    }
    const auto h = hash_text(v);
    auto id = index.find(h, v, [&](std::uint32_t i) -> std::string_view { return values[i]; });
    if (id != flat_index::empty) return id;
    id = add(v, texts, slot);
    index.insert(h, id);
    return id;
  }

 private:
  struct short_slot {
    std::uint64_t word;
    std::uint32_t length;  // empty_length: a free slot
    std::uint32_t id;
  };
  static constexpr std::uint32_t empty_length = 0xffffffff;
  // The bytes of a value of at most 8 bytes, as a word that with the length
  // tells it from every other: 4 to 8 bytes as two overlapping 4-byte loads
  // (together they cover every byte), fewer as their first, middle and last.
  static std::uint64_t pack(std::string_view v) {
    const char* p = v.data();
    const std::size_t n = v.size();
    if (n >= 4) {
      std::uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      return static_cast<std::uint64_t>(hi) << 32 | lo;
    }
    if (n == 0) return 0;
    const auto b = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
    return b(0) | b(n / 2) << 8 | b(n - 1) << 16;
  }
  std::size_t short_position(std::uint64_t word, std::uint32_t length) const {
    return static_cast<std::size_t>(mix(word ^ (std::uint64_t{length} << 59))) & (shorts_.size() - 1);
  }
  void place_short(const short_slot& e) {
    std::size_t i = short_position(e.word, e.length);
    while (shorts_[i].length != empty_length) i = (i + 1) & (shorts_.size() - 1);
    shorts_[i] = e;
  }
  void grow_shorts() {
    std::vector<short_slot> old(std::max<std::size_t>(64, 2 * shorts_.size()), short_slot{0, empty_length, 0});
    old.swap(shorts_);
    for (const auto& e : old)
      if (e.length != empty_length) place_short(e);
  }
  std::uint32_t add(std::string_view v, const text_test_set& texts, std::size_t slot) {
    const auto id = static_cast<std::uint32_t>(values.size());
    values.emplace_back(v);
    truth.push_back(texts.truth(slot, v));
    return id;
  }
  std::vector<short_slot> shorts_;
  std::size_t short_count_ = 0;
};

// The number of a canonical decimal id (1 to 9 digits, no leading zero):
// two such ids are equal exactly when their numbers are.
std::optional<std::uint32_t> plain_number(std::string_view t) {
  if (t.empty() || t.size() > 9 || (t[0] == '0' && t.size() > 1)) return std::nullopt;
  std::uint32_t n = 0;
  for (char ch : t) {
    const auto d = static_cast<unsigned>(ch - '0');
    if (d > 9) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

// plain_number for a field of the block being read, whose buffer has 8
// readable bytes past the end of any field: up to 8 digits are checked and
// converted as one word, without the loop whose exit, at a different length
// from row to row, was a mispredicted branch per row. UINT32_MAX when not a
// canonical number; 9 digits go through plain_number.
// The number written by the bytes of w above bit `drop` (whole bytes; the
// first digit in the lowest of them, zero bytes below), or UINT64_MAX when
// one of them is not a digit.
[[gnu::always_inline]] inline std::uint64_t word_digits(std::uint64_t w, unsigned drop) {
  const std::uint64_t digits_mask = drop >= 64 ? 0 : ~std::uint64_t{0} << drop;
  constexpr std::uint64_t highs = 0xF0F0F0F0F0F0F0F0ull, zeros = 0x3030303030303030ull;
  // Every kept byte is 0x30-0x39: high nibble 3, and still 3 after adding 6
  // (a byte not starting with 3 fails the first test, so no carry from an
  // addition can hide one).
  if ((w & highs & digits_mask) != (zeros & digits_mask) ||
      ((w + 0x0606060606060606ull) & highs & digits_mask) != (zeros & digits_mask))
    return UINT64_MAX;
  // Bytes below `drop` are zero; those above are now 0-9.
  std::uint64_t v = w & digits_mask & 0x0F0F0F0F0F0F0F0Full;
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFull;
  v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFull;
  v = (v * 10000 + (v >> 32)) & 0x00000000FFFFFFFFull;
  return v;
}

[[gnu::noinline]] std::uint32_t nine_digit_number(const char* p) {
  return plain_number(std::string_view(p, 9)).value_or(0xffffffff);
}
// Inlined into the row loop (twice a row: txn_id and payee_id); the rare
// nine-digit case is a call.
[[gnu::always_inline]] inline std::uint32_t block_number(const char* p, std::size_t n) {
  constexpr std::uint32_t none = 0xffffffff;
  if (n == 9) return nine_digit_number(p);
  if (n - 1 >= 8 || (p[0] == '0' && n > 1)) return none;
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  // The n digits to the top bytes (the first, most significant, lowest);
  // the bytes past the field fall off and zero bytes (digit 0) come in below.
  const unsigned drop = static_cast<unsigned>(8 - n) * 8;
  const std::uint64_t v = word_digits(w << drop, drop);
  return v == UINT64_MAX ? none : static_cast<std::uint32_t>(v);
}

// A three-letter currency code as one word (the key of a worker's
// currency slots).
inline std::uint32_t currency_word(std::string_view code) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(code[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(code[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(code[2])) << 16;
}

// detail::parse_amount for the common amount of the block being read (8
// readable bytes past any field, see block_number): an optional '-', then
// at most 8 characters, digits with at most one '.' between digits, checked
// and converted as one word. false sends the text to parse_amount, the
// reference (which also explains what is wrong); where this one returns
// true, parse_amount gives the same coefficient and scale.
[[gnu::always_inline]] inline bool block_amount(const char* p, std::size_t n, std::int64_t& coefficient, int& scale) {
  const bool negative = n != 0 && p[0] == '-';
  if (negative) {
    ++p;
    --n;
  }
  if (n - 1 >= 8) return false;  // empty, or longer than a word
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  // The n characters to the top bytes, the first (most significant) lowest;
  // zero bytes (leading zero digits) come in below.
  unsigned drop = static_cast<unsigned>(8 - n) * 8;
  w <<= drop;
  constexpr std::uint64_t low7 = 0x7F7F7F7F7F7F7F7Full, highs8 = 0x8080808080808080ull;
  const std::uint64_t x = w ^ 0x2E2E2E2E2E2E2E2Eull;  // zero where '.'
  const std::uint64_t dots = ~(((x & low7) + low7) | x) & highs8 & (~std::uint64_t{0} << drop);
  int fraction = 0;
  if (dots != 0) {
    const unsigned at = static_cast<unsigned>(__builtin_ctzll(dots)) & ~7u;  // bit offset of the dot byte
    // Digits on both sides: not the first character, not the last.
    if ((dots & (dots - 1)) != 0 || at == drop || at == 56) return false;
    fraction = static_cast<int>((56 - at) / 8);
    // Close the gap: the characters before the dot move up one byte.
    const std::uint64_t below = (std::uint64_t{1} << at) - 1;
    w = (w & ~below & ~(std::uint64_t{0xFF} << at)) | ((w & below) << 8);
    drop += 8;
  }
  const std::uint64_t v = word_digits(w, drop);
  if (v == UINT64_MAX) return false;
  coefficient = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  scale = fraction;
  return true;
}

// The hash of a txn_id. One that is a plain number (most systems number
// their transactions) hashes from its number, without reading its text
// again, and keeps the number in bits 24-53 (a plain number has at most 9
// digits, below 2^30): the bits split_book's filter reads, so that
// transactions in id order read the filter in order, from cache. Every
// hash of a txn_id comes from here: equal texts hash equal.
inline std::uint64_t number_hash(std::uint32_t n) {
  return std::uint64_t{n} << 24 | (mix(n) & 0xFF000000'00FFFFFFull);
}
inline std::uint64_t txn_hash(std::string_view id) {
  const auto n = plain_number(id);
  return n ? number_hash(*n) : hash_text(id);
}
// A txn_id cell's plain number (or UINT32_MAX) and txn_hash, for the rows
// being read: an unquoted cell lies in the block (see block_number).
// Inlined into the row loop, with the hash of a text that is not a number
// a call (a call per row had cost about as much as the number's path).
[[gnu::noinline]] std::uint64_t text_txn_hash(std::string_view id) { return hash_text(id); }
[[gnu::always_inline]] inline std::pair<std::uint32_t, std::uint64_t> txn_key(std::string_view id, bool quoted) {
  const std::uint32_t n = quoted ? plain_number(id).value_or(UINT32_MAX) : block_number(id.data(), id.size());
  return {n, n != UINT32_MAX ? number_hash(n) : text_txn_hash(id)};
}

using detail::shown;

// One split row, kept until its txn_id is met. Every row is kept, also one
// with a bad payee or share (unusable): if its txn_id never comes, that is
// reported on it too, as read_dataset does.
struct split_row {
  std::uint32_t payee;
  decimal share;
  std::uint32_t line, column, length;  // of the txn_id field
  std::uint32_t share_column;
  bool usable;
  std::uint32_t next = none;  // the next row of its group
  static constexpr std::uint32_t none = 0xffffffff;
};

struct split_book {
  std::vector<std::string> txn_ids;               // per group
  // Every row in file order, each group's linked from its first to its
  // last: one vector, not one allocation per group, and a group's rows
  // (most often adjacent lines) lie together.
  std::vector<split_row> rows;
  std::vector<std::uint32_t> first, last;         // per group, or split_row::none
  // Per group: a row was unusable or repeated a payee (its sum would only
  // repeat that error), and the errors that stand only if the txn_id is in
  // transactions.csv (read_dataset reports an unknown txn_id instead).
  std::vector<std::uint8_t> bad_group;
  std::vector<std::vector<diagnostic>> if_known;
  std::vector<std::uint32_t> kernel_group;        // per group
  flat_index index;                               // hash(txn_id) -> group
  // One bit per 2^k hashes, about 16 bits per split transaction: most
  // transactions are not split, and this answers "certainly not" from L2
  // where the index (megabytes) would miss the cache on every row.
  std::vector<std::uint64_t> filter;
  std::uint64_t filter_mask = 0;
  void build_filter() {
    std::size_t bits = 64;
    while (bits < 16 * txn_ids.size()) bits <<= 1;
    filter.assign(bits / 64, 0);
    filter_mask = bits - 1;
    for (const auto& id : txn_ids) {
      const auto b = (txn_hash(id) >> 24) & filter_mask;
      filter[b >> 6] |= std::uint64_t{1} << (b & 63);
    }
  }
  // False: certainly no split group has this hash.
  bool may_hold(std::uint64_t h) const {
    const auto b = (h >> 24) & filter_mask;
    return filter.empty() || (filter[b >> 6] >> (b & 63) & 1) != 0;
  }
  const void* filter_word(std::uint64_t h) const {
    return filter.empty() ? nullptr : &filter[((h >> 24) & filter_mask) >> 6];
  }
  std::uint32_t find(std::uint64_t h, std::string_view id) const {
    if (!may_hold(h)) return flat_index::empty;
    return index.find(h, id, [&](std::uint32_t g) -> std::string_view { return txn_ids[g]; });
  }
  // A new group for `id`, with no rows yet.
  std::uint32_t add_group(std::uint64_t h, std::string_view id) {
    const auto g = static_cast<std::uint32_t>(txn_ids.size());
    txn_ids.emplace_back(id);
    first.push_back(split_row::none);
    last.push_back(split_row::none);
    bad_group.push_back(0);
    if_known.emplace_back();
    index.insert(h, g);
    return g;
  }
  void add_row(std::uint32_t g, const split_row& r) {
    const auto i = static_cast<std::uint32_t>(rows.size());
    rows.push_back(r);
    (last[g] == split_row::none ? first[g] : rows[last[g]].next) = i;
    last[g] = i;
  }
  // The rows of group g, in file order: for (const split_row& r : book.group(g)).
  class group_rows {
   public:
    struct iterator {
      const std::vector<split_row>* rows;
      std::uint32_t i;
      const split_row& operator*() const { return (*rows)[i]; }
      iterator& operator++() {
        i = (*rows)[i].next;
        return *this;
      }
      bool operator!=(const iterator& o) const { return i != o.i; }
    };
    group_rows(const std::vector<split_row>& rows, std::uint32_t first) : rows_(rows), first_(first) {}
    iterator begin() const { return {&rows_, first_}; }
    iterator end() const { return {&rows_, split_row::none}; }
    bool empty() const { return first_ == split_row::none; }
    const split_row& front() const { return rows_[first_]; }

   private:
    const std::vector<split_row>& rows_;
    std::uint32_t first_;
  };
  group_rows group(std::uint32_t g) const { return {rows, first[g]}; }
};

using detail::is_currency_code;

// Day number of YYYY-MM-DD, from a table of the first day of each month of
// the years around the plan; other years go through parse_date.
class date_parser {
 public:
  explicit date_parser(int year) : base_year_(year - 8) {
    for (int y = 0; y < 17; ++y)
      for (int m = 1; m <= 12; ++m) {
        auto d = parse_date(fmt::format("{:04}-{:02}-01", base_year_ + y, m));
        month_start_[y * 12 + m - 1] = d ? d->days : 0;
        auto next = m == 12 ? parse_date(fmt::format("{:04}-01-01", base_year_ + y + 1))
                            : parse_date(fmt::format("{:04}-{:02}-01", base_year_ + y, m + 1));
        month_days_[y * 12 + m - 1] = next && d ? next->days - d->days : 0;
      }
  }
  // YYYY-MM-DD checked and converted as a word and two bytes (the fields of
  // a block have 8 readable bytes past their end, see block_number, and a
  // date field here is 10 bytes long anyway); anything else, and years far
  // from the plan's, through parse_date.
  [[gnu::always_inline]] std::optional<std::int32_t> operator()(std::string_view s) const {
    if (s.size() == 10) {
      std::uint64_t w;
      std::uint16_t dd;
      std::memcpy(&w, s.data(), 8);
      std::memcpy(&dd, s.data() + 8, 2);
      constexpr std::uint64_t dash_bytes = 0xFF0000FF00000000ull;  // bytes 4 and 7
      // The dashes made '0', then every byte a digit: after subtracting
      // '0', at most 9 (a byte below '0' sets its own high bit).
      const std::uint64_t v = ((w & ~dash_bytes) | (0x3030303030303030ull & dash_bytes)) - 0x3030303030303030ull;
      const std::uint16_t dv = static_cast<std::uint16_t>(dd - 0x3030u);
      if ((w & dash_bytes) == (0x2D00002D00000000ull & dash_bytes) &&
          (((v + 0x7676767676767676ull) | v) & 0x8080808080808080ull) == 0 &&
          (((dv + 0x7676u) | dv) & 0x8080u) == 0) {
        const auto digit = [&](unsigned i) { return static_cast<int>((v >> (8 * i)) & 0xFF); };
        const int y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3) - base_year_;
        const int m = digit(5) * 10 + digit(6);
        const int d = static_cast<int>(dv & 0xFF) * 10 + static_cast<int>(dv >> 8);
        if (y >= 0 && y < 17 && m >= 1 && m <= 12) {
          const int k = y * 12 + m - 1;
          if (d >= 1 && d <= month_days_[k]) return month_start_[k] + d - 1;
          return std::nullopt;
        }
      }
    }
    return other(s);
  }

 private:
  [[gnu::noinline]] static std::optional<std::int32_t> other(std::string_view s) {
    auto d = parse_date(s);
    if (!d) return std::nullopt;
    return d->days;
  }
  int base_year_;
  std::array<std::int32_t, 17 * 12> month_start_{}, month_days_{};
};

// The header of transactions.csv: where each column is.
struct txn_columns {
  std::uint32_t count = 0;
  int id = -1, date = -1, payee = -1, amount = -1, currency = -1;
  std::vector<int> text;  // per text_test_set column
};

// Line feeds in [p, p + n), 16 bytes a step: per-byte counts of up to 255
// steps summed at once (std::count ran a byte at a time, under the block
// source's lock).
inline std::size_t count_line_feeds(const char* p, std::size_t n) {
  std::size_t count = 0, i = 0;
#if defined(__SSE2__)
  const __m128i line_feed = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  while (i + 16 <= n) {
    __m128i per_byte = zero;
    const std::size_t steps = std::min<std::size_t>((n - i) / 16, 255);
    for (std::size_t k = 0; k < steps; ++k, i += 16)
      per_byte = _mm_sub_epi8(per_byte, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), line_feed));
    const __m128i sums = _mm_sad_epu8(per_byte, zero);
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < n; ++i) count += p[i] == '\n' ? 1 : 0;
  return count;
}

// Bytes of a block: grown, never zero-filled (a std::string's resize writes
// every byte of a block before fread overwrites it).
struct block_bytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0, capacity = 0;
  void reserve(std::size_t n) {
    if (n <= capacity) return;
    n = std::max(n, 2 * capacity);  // a few growths in all, not one per call
    auto grown = std::make_unique_for_overwrite<char[]>(n);
    if (size != 0) std::memcpy(grown.get(), data.get(), size);
    data = std::move(grown);
    capacity = n;
  }
  std::string_view view() const { return {data.get(), size}; }
};
// Readable bytes past a block's end, for word loads of its last field
// (block_number).
constexpr std::size_t block_padding = 8;

// Blocks of transactions.csv cut at record boundaries, handed out under a lock.
class block_source {
 public:
  // `longest`: the most bytes a valid record can have; past it (a missing
  // line break, an unclosed quote) the source stops growing a block and
  // hands out what it has as the last one, whose record then fails on the
  // field-length check: memory stays bounded whatever the file holds.
  block_source(std::FILE* f, std::size_t block, std::size_t longest)
      : file_(f), block_(block), longest_(longest) {}

  // Fills `out` with the next whole records; false at the end. `first_line`
  // is the line number of its first byte. `out` keeps its buffer from call
  // to call; the part record left over from the last read is copied to its
  // start.
  bool next(block_bytes& out, std::uint32_t& first_line) {
    std::lock_guard lock(mutex_);
    if (done_ && carry_.size == 0) return false;
    out.size = 0;
    // A carry is at most one record; see block_padding.
    out.reserve(std::max(carry_.size, longest_) + block_ + block_padding);
    if (carry_.size != 0) std::memcpy(out.data.get(), carry_.data.get(), carry_.size);
    out.size = carry_.size;
    carry_.size = 0;
    for (;;) {
      if (!done_) {
        out.reserve(out.size + block_ + block_padding);
        const std::size_t got = std::fread(out.data.get() + out.size, 1, block_, file_);
        out.size += got;
        if (got < block_) done_ = true;
      }
      if (!done_ && out.size > block_ + longest_) done_ = true;  // see the constructor
      const std::size_t cut = done_ ? out.size : boundary(out.view());
      if (cut != npos) {
        carry_.reserve(out.size - cut);
        if (out.size != cut) std::memcpy(carry_.data.get(), out.data.get() + cut, out.size - cut);
        carry_.size = out.size - cut;
        out.size = cut;
        break;
      }
    }
    first_line = line_;
    line_ += static_cast<std::uint32_t>(count_line_feeds(out.data.get(), out.size));
    return out.size != 0 || carry_.size != 0 || !done_;
  }
  void rewind(std::uint32_t line) {
    std::fseek(file_, 0, SEEK_SET);
    carry_.size = 0;
    done_ = false;
    line_ = line;
  }

 private:
  static constexpr std::size_t npos = std::string::npos;
  // One past the last record of `s` known to be complete, or npos. The
  // block starts at a record boundary; from there the records are followed
  // as csv::reader reads them: a quote opens a quoted field only at a
  // field's start ("" inside it is a quote), and a malformed record (a stray
  // quote, text after a closing quote, a lone carriage return) ends at the
  // next line break, where the reader resumes. Counting quotes instead cut
  // inside a quoted field after a stray quote.
  static std::size_t boundary(std::string_view s) {
    const std::size_t n = s.size();
    if (std::memchr(s.data(), '"', n) == nullptr) {
      const auto nl = s.rfind('\n');
      return nl == npos ? npos : nl + 1;
    }
    std::size_t last = npos, i = 0;
    // The malformed record's end: the next line break.
    const auto skip_line = [&]() -> bool {
      const void* nl = std::memchr(s.data() + i, '\n', n - i);
      if (nl == nullptr) return false;
      i = static_cast<std::size_t>(static_cast<const char*>(nl) - s.data()) + 1;
      last = i;
      return true;
    };
    // Past a field's end (i at the byte after it): a comma, a line break
    // (the record ends), or a malformed record. False when the buffer ends
    // before that is known.
    const auto field_end = [&]() -> bool {
      if (i >= n) return false;
      if (s[i] == ',') {
        ++i;
        return true;
      }
      if (s[i] == '\n') {
        last = ++i;
        return true;
      }
      if (s[i] == '\r') {
        if (i + 1 >= n) return false;  // a line feed may follow in the next read
        if (s[i + 1] == '\n') {
          i += 2;
          last = i;
          return true;
        }
      }
      return skip_line();  // a stray quote, text after a closing quote, a lone carriage return
    };
    while (i < n) {
      if (s[i] == '"') {
        for (std::size_t p = i + 1;;) {
          const void* q = p < n ? std::memchr(s.data() + p, '"', n - p) : nullptr;
          if (q == nullptr) return last;  // the field goes on past the buffer
          const auto at = static_cast<std::size_t>(static_cast<const char*>(q) - s.data());
          if (at + 1 >= n) return last;   // closing, or the first of a pair: not known yet
          if (s[at + 1] == '"') {
            p = at + 2;
            continue;
          }
          i = at + 1;
          break;
        }
      } else {
        while (i < n && s[i] != ',' && s[i] != '"' && s[i] != '\r' && s[i] != '\n') ++i;
      }
      if (!field_end()) return last;
    }
    return last;
  }

  std::mutex mutex_;
  std::FILE* file_;
  std::size_t block_;
  std::size_t longest_;
  block_bytes carry_;
  std::uint32_t line_ = 1;
  bool done_ = false;
};

// The first ',', '"' or '\r' of `text` at or after `from`, or text.size():
// eight bytes a step (a byte equal to c makes (x - 0x01..) & ~x & 0x80..
// non-zero at its place; the lowest such bit is always a true match).
inline std::size_t next_special(std::string_view text, std::size_t from) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto has = [](std::uint64_t w, char c) {
    const std::uint64_t x = w ^ (ones * static_cast<unsigned char>(c));
    return (x - ones) & ~x & highs;
  };
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if (const std::uint64_t m = has(w, ',') | has(w, '"') | has(w, '\r'))
      return i + static_cast<std::size_t>(__builtin_ctzll(m) >> 3);
  }
  for (; i < text.size(); ++i)
    if (text[i] == ',' || text[i] == '"' || text[i] == '\r') return i;
  return text.size();
}

// The csv::fields of a record plain_record read (as the strict reader would
// give them), for the code that reports its errors.
inline void plain_fields(std::string_view block, std::size_t pos, const std::size_t* at, std::uint32_t line,
                         std::uint32_t expected, std::vector<csv::field>& fields) {
  fields.resize(expected);
  for (std::uint32_t k = 0; k < expected; ++k) {
    const std::size_t length = at[k + 1] - 1 - at[k];
    fields[k] = {block.substr(at[k], length), line, static_cast<std::uint32_t>(at[k] - pos + 1),
                 static_cast<std::uint32_t>(std::max<std::size_t>(length, 1)), false};
  }
}

// Calls on_record(fields, line) for each record of a block of whole records;
// lines without quotes are split on commas directly, the rest go through the
// strict CSV reader. CSV errors go to on_error. Returns the line of a fatal
// CSV error (the rest of the file cannot be read), or 0.
//
// A plain record goes first to on_plain(at, pos, line) when one is given
// (not nullptr): the hot path, with the field offsets of plain_record. It
// returns false to have the record's fields made and given to on_record,
// which then finds and reports what is wrong with it.
template <typename OnPlain, typename OnRecord, typename OnError>
std::uint32_t split_records(std::string_view block, std::uint32_t first_line, std::uint32_t expected,
                            std::size_t max_field, std::vector<csv::field>& fields, csv::record& rec,
                            OnPlain&& on_plain, OnRecord&& on_record, OnError&& on_error) {
  std::size_t pos = 0;
  std::uint32_t line = first_line;
  std::vector<std::size_t> at(expected + std::size_t{1});
  const plain_record_fn plain_record = best_plain_record();
  while (pos < block.size()) {
    if (const std::size_t next = plain_record(block, pos, expected, max_field, at.data())) {
      bool done = false;
      if constexpr (!std::is_null_pointer_v<std::remove_cvref_t<OnPlain>>) done = on_plain(at.data(), pos, line);
      if (!done) {
        plain_fields(block, pos, at.data(), line, expected, fields);
        on_record(fields, line);
      }
      pos = next;
      ++line;
      continue;
    }
    const char* start = block.data() + pos;
    const void* nl = std::memchr(start, '\n', block.size() - pos);
    std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - block.data()) : block.size();
    std::size_t content_end = end;
    // CRLF ends a line; a carriage return at the very end of the file (no
    // line feed after it) stays in the text, where the strict reader
    // reports it as read_dataset does.
    if (nl && content_end > pos && block[content_end - 1] == '\r') --content_end;
    const std::string_view text = block.substr(pos, content_end - pos);
    if (text.empty()) {  // blank line
      pos = end + 1;
      ++line;
      continue;
    }
    // One pass over the line: commas split fields; a quote or a carriage
    // return sends the record to the strict reader.
    fields.clear();
    bool plain = true, too_long = false;
    for (std::size_t f = 0;;) {
      const std::size_t i = next_special(text, f);
      if (i < text.size() && text[i] != ',') {
        plain = false;
        break;
      }
      if (i - f > max_field) {  // the CSV reader's limit and message
        on_error(line, static_cast<std::uint32_t>(f + 1), 1u,
                 fmt::format("field too long: more than {} bytes", max_field));
        too_long = true;
        break;
      }
      fields.push_back({text.substr(f, i - f), line, static_cast<std::uint32_t>(f + 1),
                        static_cast<std::uint32_t>(std::max<std::size_t>(i - f, 1)), false});
      if (i == text.size()) break;
      f = i + 1;
    }
    if (too_long) {
      pos = end + 1;
      ++line;
      continue;
    }
    if (plain) {
      if (fields.size() > expected) {  // placed as the CSV reader places it
        const csv::field& extra = fields[expected];
        on_error(line, extra.column, extra.length, fmt::format("expected {} fields, found {}", expected, fields.size()));
      } else if (fields.size() < expected) {
        on_error(line, static_cast<std::uint32_t>(text.size() + 1), 1u,
                 fmt::format("expected {} fields, found {}", expected, fields.size()));
      } else
        on_record(fields, line);
      pos = end + 1;
      ++line;
      continue;
    }
    // Quoted fields: the strict reader, from this line to the end of the block.
    // It checks the field count too, placing the error as read_dataset does.
    csv::reader in(block.substr(pos), csv::options{max_field, expected, false});
    const auto st = in.next(rec);
    const std::size_t used = std::max<std::size_t>(in.position(), 1);
    if (st == csv::status::record) {
      fields.assign(rec.begin(), rec.end());
      for (auto& fl : fields) fl.line += line - 1;
      on_record(fields, line);
    } else if (st == csv::status::error) {
      const auto& e = in.last_error();
      on_error(e.line + line - 1, e.column, e.length, e.message);
      if (e.fatal) return e.line + line - 1;
    }
    line += static_cast<std::uint32_t>(std::count(block.begin() + static_cast<std::ptrdiff_t>(pos),
                                                  block.begin() + static_cast<std::ptrdiff_t>(pos + used), '\n'));
    pos += used;
  }
  return 0;
}

// payee_id text -> payee (its row of payees.csv), as the stream and the
// split reader look it up. Built from a copy of the ids, so that it outlives
// the dataset it came from being moved.
class payee_keys {
 public:
  explicit payee_keys(const std::vector<std::string>& ids) {
    // The ids back to back, for the exact key check of a lookup: tens of
    // kilobytes that stay in cache, where the std::strings of payee_table
    // are 32 bytes each plus their text.
    index_.reserve(ids.size());
    for (std::uint32_t p = 0; p < ids.size(); ++p) {
      index_.insert(hash_text(ids[p]), p);
      bytes_ += ids[p];
      start_.push_back(static_cast<std::uint32_t>(bytes_.size()));
    }
    // When every payee_id is a plain number (HR systems' employee numbers),
    // a transaction's payee is found by that number in a dense table: no
    // hash, no key compare. "Plain" is canonical (digits, no leading zero),
    // so two ids are equal exactly when their numbers are; any other text
    // cannot name a payee.
    std::uint32_t largest = 0;
    bool plain = !ids.empty();
    for (std::uint32_t p = 0; p < ids.size() && plain; ++p) {
      auto n = plain_number(ids[p]);
      plain = n.has_value();
      if (n) largest = std::max(largest, *n);
    }
    if (plain && largest <= 8 * ids.size() + 4096) {
      by_number_.assign(std::size_t{largest} + 1, flat_index::empty);
      for (std::uint32_t p = 0; p < ids.size(); ++p) by_number_[*plain_number(ids[p])] = p;
    }
  }
  // The payee named by a payee_id cell, or flat_index::empty. An unquoted
  // cell lies in the block (see block_number); a quoted one may be in the
  // strict reader's record. The dense table's lookup of an unquoted cell is
  // inlined into the row loop (a call there cost as much as the lookup).
  [[gnu::always_inline]] std::uint32_t of(std::string_view t, bool quoted) const {
    if (by_number_.empty() || quoted) return of_other(t, quoted);
    const std::uint32_t n = block_number(t.data(), t.size());
    return n < by_number_.size() ? by_number_[n] : flat_index::empty;
  }
  std::uint32_t of(const csv::field& f) const { return of(f.text, f.quoted); }

 private:
  [[gnu::noinline]] std::uint32_t of_other(std::string_view t, bool quoted) const {
    if (by_number_.empty())
      return index_.find(hash_text(t), t, [this](std::uint32_t p) -> std::string_view {
        return std::string_view(bytes_).substr(start_[p], start_[p + 1] - start_[p]);
      });
    const std::uint32_t n = quoted ? plain_number(t).value_or(flat_index::empty) : block_number(t.data(), t.size());
    return n < by_number_.size() ? by_number_[n] : flat_index::empty;
  }

  flat_index index_;
  std::string bytes_;
  std::vector<std::uint32_t> start_{0};
  std::vector<std::uint32_t> by_number_;
};

// splits.csv (at `path`), keyed by txn_id, with the checks of read_dataset
// that do not need the transactions. Errors go to diags. `payees` is the
// stream's payee lookup; it may read past a field, so the file is read into
// a padded block buffer.
void read_split_book(const std::string& path, split_book& book, diagnostics& diags, const read_options& options,
                     const payee_keys& payees) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  block_bytes bytes;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      diags.error({path, 0, 0, 1}, "cannot read the file");
      return;
    }
    const auto size = static_cast<std::size_t>(fs::file_size(path, ec));
    bytes.reserve(size + block_padding);
    bytes.size = std::fread(bytes.data.get(), 1, size, f);
    std::fclose(f);
    if (bytes.size != size) {
      diags.error({path, 0, 0, 1}, "cannot read the file");
      return;
    }
  }
  const std::string_view text = bytes.view();
  csv::reader in(text, csv::options{options.max_field_length});
  csv::record header;
  if (in.read_header(header) != csv::status::record) {
    const auto& e = in.last_error();
    diags.error({path, e.line, e.column, e.length}, e.message);
    return;
  }
  if (auto problems = detail::header_problems(header); !problems.empty()) {
    for (auto& problem : problems) {
      const csv::field& f = header[problem.field];
      diags.error({path, f.line, f.column, f.length}, std::move(problem.message));
    }
    return;
  }
  int c_txn = -1, c_payee = -1, c_share = -1;
  std::string found;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto name = header[i].text;
    found += fmt::format("{}{}", found.empty() ? "" : ", ", name);
    if (name == "txn_id") c_txn = static_cast<int>(i);
    else if (name == "payee_id") c_payee = static_cast<int>(i);
    else if (name == "share") c_share = static_cast<int>(i);
    else diags.warning({path, 1, header[i].column, 1}, fmt::format("column {} is not used and is ignored", shown(name)));
  }
  bool ok = true;
  for (auto [name, c] : {std::pair{"txn_id", c_txn}, {"payee_id", c_payee}, {"share", c_share}})
    if (c < 0) {
      diags.error({path, 1, 1, 1}, fmt::format("missing required column '{}' (expected columns txn_id, "
                                               "payee_id, share; found {})",
                                               name, found));
      ok = false;
    }
  if (!ok) return;
  // Groups are keyed as the stream will look them up (the book's index):
  // no std::string per row, no allocation per group.
  auto& bad_group = book.bad_group;
  // The rows through the stream's record splitter (the strict reader for
  // quoted or malformed lines, same errors and places): splits.csv has a
  // row or two per split transaction, hundreds of thousands at payroll
  // scale, and this step runs before any transaction is read.
  const std::size_t header_bytes = in.position();
  const auto header_lines =
      static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(header_bytes), '\n'));
  {
    // Room for every row, and for groups of two rows (the most common
    // split), so that the index is not re-placed as it grows.
    const std::size_t lines = count_line_feeds(text.data() + header_bytes, text.size() - header_bytes) + 1;
    book.rows.reserve(lines);
    for (auto* v : {&book.first, &book.last}) v->reserve(lines / 2 + 1);
    book.txn_ids.reserve(lines / 2 + 1);
    book.bad_group.reserve(lines / 2 + 1);
    book.if_known.reserve(lines / 2 + 1);
    book.index.reserve(lines / 2 + 1);
  }
  std::vector<csv::field> fields;
  csv::record rec;
  auto on_error = [&](std::uint32_t line, std::uint32_t column, std::uint32_t length, std::string message) {
    diags.error({path, line, column, length}, std::move(message));
  };
  auto on_record = [&](const std::vector<csv::field>& row, std::uint32_t line) {
    const auto& id = row[static_cast<std::size_t>(c_txn)];
    const auto& pf = row[static_cast<std::size_t>(c_payee)];
    const auto& sf = row[static_cast<std::size_t>(c_share)];
    std::optional<std::uint32_t> payee;
    if (const auto p = payees.of(pf); p != flat_index::empty) payee = p;
    if (!payee)
      diags.error({path, pf.line, pf.column, pf.length},
                  pf.text.empty() ? std::string("expected a payee_id, found an empty field")
                                  : fmt::format("unknown payee_id {}: no such payee_id in payees.csv", shown(pf.text)));
    decimal_syntax_error why;
    auto share = decimal::parse(sf.text, &why);
    if (!share) {
      if (sf.text.empty()) {
        diags.error({path, sf.line, sf.column, sf.length}, "expected a number for share, found an empty field");
      } else {  // at the offending byte, as read_dataset places it
        const auto offset = static_cast<std::uint32_t>(std::min(why.offset, sf.text.size()));
        diags.error({path, sf.line, sf.column + (sf.quoted ? 1 : 0) + offset, 1},
                    fmt::format("bad number {} for share: {}", shown(sf.text), why.message));
      }
    } else if (!detail::is_valid_share(*share)) {
      diags.error({path, sf.line, sf.column, sf.length},
                  fmt::format("share {} out of range: expected a fraction in (0, 1]", sf.text));
      share.reset();
    }
    if (id.text.empty()) {
      diags.error({path, id.line, id.column, id.length}, "expected a txn_id, found an empty field");
      return;
    }
    const auto h = txn_hash(id.text);
    auto g = book.index.find(h, id.text, [&](std::uint32_t k) -> std::string_view { return book.txn_ids[k]; });
    if (g == flat_index::empty) g = book.add_group(h, id.text);
    // A row in error stays in its group, unusable, and spoils the group's sum.
    const auto keep_unusable = [&] {
      bad_group[g] = 1;
      book.add_row(g, {0, decimal(), line, id.column, id.length, sf.column, false});
    };
    if (!payee || !share) return keep_unusable();
    for (const auto& r : book.group(g))
      if (r.usable && r.payee == *payee) {
        book.if_known[g].push_back(
            {severity::error, {path, pf.line, pf.column, pf.length}, {}, {},
             fmt::format("second split row for txn_id {} and payee_id {} (first on line {}); one row per payee per "
                         "transaction",
                         shown(id.text), shown(pf.text), r.line)});
        return keep_unusable();
      }
    book.add_row(g, {*payee, *share, line, id.column, id.length, sf.column, true});
  };
  // The common row, read from the block: good cells (a share of at most
  // eight characters, see block_amount), a payee not yet in its group.
  // Anything else returns false before changing anything, and on_record
  // reads the row again and reports it. No csv::field and no decimal
  // parse per row: splits.csv is read before the stream can start.
  const std::string_view rows_text = text.substr(header_bytes);
  auto on_plain = [&](const std::size_t* at, std::size_t pos, std::uint32_t line) -> bool {
    const auto cell = [&](int c) {
      const auto k = static_cast<std::size_t>(c);
      return rows_text.substr(at[k], at[k + 1] - 1 - at[k]);
    };
    const auto id = cell(c_txn);
    if (id.empty()) return false;
    const std::uint32_t payee = payees.of(cell(c_payee), false);
    if (payee == flat_index::empty) return false;
    const auto share_text = cell(c_share);
    std::int64_t coefficient = 0;
    int scale = 0;
    if (!block_amount(share_text.data(), share_text.size(), coefficient, scale)) return false;
    const decimal share(coefficient, scale);
    if (!detail::is_valid_share(share)) return false;
    const auto h = txn_hash(id);
    auto g = book.index.find(h, id, [&](std::uint32_t k) -> std::string_view { return book.txn_ids[k]; });
    if (g == flat_index::empty) {
      g = book.add_group(h, id);
    } else {
      for (const auto& r : book.group(g))
        if (r.usable && r.payee == payee) return false;
    }
    const auto column = [&](int c) { return static_cast<std::uint32_t>(at[static_cast<std::size_t>(c)] - pos + 1); };
    book.add_row(g, {payee, share, line, column(c_txn), static_cast<std::uint32_t>(id.size()), column(c_share), true});
    return true;
  };
  split_records(rows_text, header_lines + 1, static_cast<std::uint32_t>(header.size()), options.max_field_length,
                fields, rec, on_plain, on_record, on_error);
  book.build_filter();
}

constexpr std::size_t hash_partitions = 256;

// The truth word of a column the data lacks (bind_run reports it).
constexpr std::uint64_t zero_truth = 0;

// Whether every amount fits 64 bits at the most fractional digits any
// amount has: the rule of read_dataset's one-scale column, decided over the
// whole file so that neither the cut into chunks nor the order of rows
// changes it (a chunk converts its amounts to its own largest scale, which
// is never above the file's). Per row: two comparisons (the hot path).
struct amount_scales {
  int largest = 0;                          // most fractional digits seen
  std::uint32_t largest_line = UINT32_MAX;  // first line with them
  std::uint32_t largest_column = 0, largest_length = 0;
  // Per scale: the largest magnitude of a coefficient, and the first line
  // with it: if any amount of that scale fails at `largest`, this one does.
  std::array<std::uint64_t, detail::max_amount_fraction_digits + 1> biggest{};
  std::array<std::uint32_t, detail::max_amount_fraction_digits + 1> biggest_line{};

  // An amount at (line, column, length) of the file.
  void add(std::int64_t coefficient, int scale, std::uint32_t line, std::uint32_t column, std::uint32_t length) {
    const auto k = static_cast<std::size_t>(scale);
    const std::uint64_t magnitude =
        coefficient < 0 ? 0 - static_cast<std::uint64_t>(coefficient) : static_cast<std::uint64_t>(coefficient);
    if (magnitude > biggest[k] || (magnitude == biggest[k] && magnitude != 0 && line < biggest_line[k])) {
      biggest[k] = magnitude;
      biggest_line[k] = line;
    }
    if (scale > largest || (scale == largest && line < largest_line)) {
      largest = scale;
      largest_line = line;
      largest_column = column;
      largest_length = length;
    }
  }
  void merge(const amount_scales& o) {
    if (o.largest > largest || (o.largest == largest && o.largest_line < largest_line)) {
      largest = o.largest;
      largest_line = o.largest_line;
      largest_column = o.largest_column;
      largest_length = o.largest_length;
    }
    for (std::size_t k = 0; k < biggest.size(); ++k)
      if (o.biggest[k] > biggest[k] || (o.biggest[k] == biggest[k] && o.biggest[k] != 0 && o.biggest_line[k] < biggest_line[k])) {
        biggest[k] = o.biggest[k];
        biggest_line[k] = o.biggest_line[k];
      }
  }
  // The first line (of the largest amount of each scale) that does not fit
  // at `largest` digits, or UINT32_MAX.
  std::uint32_t first_line_not_fitting() const {
    std::uint32_t line = UINT32_MAX;
    for (int k = 0; k < largest; ++k) {
      std::int64_t v;
      const auto i = static_cast<std::size_t>(k);
      if (biggest[i] != 0 && !detail::upscale_i64(static_cast<std::int64_t>(biggest[i]), largest - k, v))
        line = std::min(line, biggest_line[i]);
    }
    return line;
  }
};

// A file's errors, already in line order, as read_dataset shows them: the
// first `cap`, then how many more.
void add_capped(diagnostics& diags, std::vector<diagnostic>& errors, const std::string& path, std::size_t cap) {
  for (std::size_t k = 0; k < errors.size() && k < cap; ++k) diags.add(std::move(errors[k]));
  if (errors.size() > cap) diags.error({path, 0, 0, 1}, fmt::format("and {} more errors in this file", errors.size() - cap));
}

// A bit per number below a bound, zeroed lazily: calloc of a large size
// maps fresh zero pages, so only the pages of numbers met become resident.
class number_bitmap {
 public:
  void reset(std::uint32_t bound) {
    words_ = (std::size_t{bound} + 63) / 64;
    bits_.reset(words_ == 0 ? nullptr : static_cast<std::uint64_t*>(std::calloc(words_, sizeof(std::uint64_t))));
    if (words_ != 0 && !bits_) throw std::bad_alloc();
  }
  // Sets bit n; whether it was set before.
  bool test_and_set(std::uint32_t n) {
    std::uint64_t& word = bits_[n >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (n & 63);
    const bool was = (word & bit) != 0;
    word |= bit;
    return was;
  }
  std::size_t words() const { return words_; }
  std::uint64_t word(std::size_t i) const { return bits_[i]; }

 private:
  struct release {
    void operator()(std::uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<std::uint64_t[], release> bits_;
  std::size_t words_ = 0;
};

// A txn_id of the block being read, between its row and the lookups that
// follow the block.
struct pending_id {
  std::uint64_t hash;
  const char* text;
  std::uint32_t length;
  std::uint32_t row;     // in the chunk, or no_row when the row is bad
  std::uint32_t number;  // a plain number (plain_number), or UINT32_MAX
};
constexpr std::uint32_t no_row = 0xffffffff;

// Currency code (three letters packed, see currency_word) -> slot of a
// thread's currency_book, for the codes met so far: a data set has a
// handful, and rows alternate between them. Found by the code's bits in a
// table of 64 (a search of a list ended at a different place from row to
// row: a mispredicted branch a row); a code whose place another holds is
// found in the list.
class currency_slots {
 public:
  static constexpr std::uint32_t none = 0xffffffff;
  currency_slots() { table_.fill({empty, none}); }
  [[gnu::always_inline]] std::uint32_t find(std::uint32_t code) const {
    const auto& e = table_[place(code)];
    return e.first == code ? e.second : find_in_list(code);
  }
  [[gnu::noinline]] std::uint32_t find_in_list(std::uint32_t code) const {
    for (const auto& [c, slot] : all_)
      if (c == code) return slot;
    return none;
  }
  void add(std::uint32_t code, std::uint32_t slot) {
    all_.emplace_back(code, slot);
    if (table_[place(code)].first == empty) table_[place(code)] = {code, slot};
  }

 private:
  static std::size_t place(std::uint32_t code) { return (code * 0x9E3779B1u) >> 26; }
  // An empty entry: no cell packs to it (currency_word fills 24 bits; a cell
  // of three NUL bytes packs to 0, found by fuzz_stream).
  static constexpr std::uint32_t empty = 0xffffffff;
  std::array<std::pair<std::uint32_t, std::uint32_t>, 64> table_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> all_;
};

// Everything one streaming thread owns.
struct stream_worker {
  currency_book book;
  credit_accumulator acc;
  kernel_scratch scratch;
  std::vector<text_dictionary> dictionaries;  // per text column
  std::vector<std::vector<std::uint64_t>> hashes{hash_partitions};
  // txn_ids that are plain numbers below the run's number_bound: a bit each
  // (see number_bitmap), and the hash | 1 of those met twice in this thread.
  number_bitmap numbers;
  std::vector<std::uint64_t> repeated;
  std::vector<std::uint8_t> split_seen;        // per split group
  std::vector<pending_id> ids;                 // this block's txn_ids
  std::vector<std::pair<std::uint32_t, diagnostic>> errors;  // (line, error)
  std::uint32_t fatal_line = 0;  // of the first fatal CSV error met, or 0
  amount_scales scales;
  // chunk columns
  std::vector<std::int32_t> date;
  std::vector<std::uint32_t> payee, line, currency, split;
  std::vector<std::int64_t> amount;
  std::vector<std::int8_t> amount_scale;
  std::vector<std::vector<std::uint32_t>> text;
  block_bytes block;
  std::vector<csv::field> fields;
  csv::record rec;
  currency_slots currencies;
  explicit stream_worker(const credit_kernel& k) : book(k), acc(k.make_accumulator(book)) {}

  // The slot of `book` for a currency cell of three characters (checked as
  // a code the first time it is met), or nullopt when it is not a code.
  [[gnu::always_inline]] std::optional<std::uint32_t> currency_slot(std::string_view code_text) {
    const std::uint32_t code = currency_word(code_text);
    if (const auto slot = currencies.find(code); slot != currency_slots::none) return slot;
    return new_currency(code_text);
  }
  [[gnu::noinline]] std::optional<std::uint32_t> new_currency(std::string_view code_text) {
    if (!is_currency_code(code_text)) return std::nullopt;
    const std::uint32_t slot = book.slot(code_text);
    currencies.add(currency_word(code_text), slot);
    return slot;
  }
};

}  // namespace

std::optional<run_result> stream_run(const compile::compiled_plan& plan, const std::string& directory,
                                     diagnostics& diags, const run_options& options) {
  const auto before = diags.error_count();
  // Wall time per stage, for operators (run_result::phases).
  std::vector<phase_time> phases;
  auto since = std::chrono::steady_clock::now();
  auto lap = [&](const char* what) {
    const auto now = std::chrono::steady_clock::now();
    if (!phases.empty() && phases.back().name == what)
      phases.back().elapsed += now - since;
    else
      phases.push_back({what, now - since});
    since = now;
  };
  read_options ropts;
  ropts.transactions = false;
  // splits.csv is read as soon as payees.csv is, on a thread of its own
  // while quotas.csv and fx.csv are read here (each is tens of milliseconds
  // at payroll scale, and the stream's lookups need the split book). An
  // error in splits.csv does not stop the run there: transactions.csv is
  // still read, so that its errors and the split rows naming a txn_id it
  // lacks are reported with them, as read_dataset does (the run fails at the
  // end). Its diagnostics are held until the end, where those that wait for
  // the transactions join them: the file's errors are then capped as
  // read_dataset caps them (50, in line order, and how many more).
  std::optional<payee_keys> payees;
  split_book splits;
  diagnostics split_diags;
  std::exception_ptr split_failed;  // bad_alloc on the split reader, rethrown here
  std::jthread split_reader;        // declared after what it uses: joined first
  const auto read_splits = [&](const dataset& ds, bool side) {
    payees.emplace(ds.payees.ids);
    auto read = [&, path = ds.file_path("splits.csv")] {
      try {
        read_split_book(path, splits, split_diags, ropts, *payees);
      } catch (...) {
        split_failed = std::current_exception();
      }
    };
    if (side) split_reader = std::jthread(read);
    else read();
  };
  auto data = detail::read_dataset_files(directory, diags, ropts, [&](const dataset& read) {
    read_splits(read, thread_count(options.threads) > 1);
  });
  if (split_reader.joinable()) split_reader.join();
  if (split_failed) std::rethrow_exception(split_failed);
  if (!data) return std::nullopt;
  dataset& ds = *data;
  if (!payees) read_splits(ds, false);  // not reached: a read without error has read payees.csv first
  const std::string tx_path = ds.file_path("transactions.csv");

  lap("read payees, quotas, fx, splits");
  // The header of transactions.csv, before anything else reads a row.
  std::FILE* file = std::fopen(tx_path.c_str(), "rb");
  if (!file) {
    std::error_code ec;
    diags.error({tx_path, 0, 0, 1}, fs::exists(tx_path, ec)
                                        ? "cannot read the file"
                                        : "file not found (a data set needs payees.csv and transactions.csv)");
    return std::nullopt;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, &std::fclose);
  std::string head;
  std::size_t header_bytes = 0;
  std::uint32_t header_lines = 0;
  txn_columns cols;
  {
    head.resize(1 << 16);
    head.resize(std::fread(head.data(), 1, head.size(), file));
    csv::reader in(head);
    csv::record h;
    if (in.read_header(h) != csv::status::record) {
      const auto& e = in.last_error();
      diags.error({tx_path, e.line, e.column, e.length}, e.message);
      return std::nullopt;
    }
    header_bytes = in.position();
    header_lines = static_cast<std::uint32_t>(std::count(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(header_bytes), '\n'));
    cols.count = static_cast<std::uint32_t>(h.size());
    // As read_dataset: a header that breaks the rules is the file's only
    // error (its columns cannot be trusted to name anything).
    auto problems = detail::header_problems(h);
    for (auto& problem : problems) {
      const csv::field& f = h[problem.field];
      diags.error({tx_path, f.line, f.column, f.length}, std::move(problem.message));
    }
    if (!problems.empty()) return std::nullopt;
    std::string found;
    for (std::uint32_t i = 0; i < h.size(); ++i) {
      const auto name = h[i].text;
      found += fmt::format("{}{}", found.empty() ? "" : ", ", name);
      const int c = static_cast<int>(i);
      if (name == "txn_id") cols.id = c;
      else if (name == "date") cols.date = c;
      else if (name == "payee_id") cols.payee = c;
      else if (name == "amount") cols.amount = c;
      else if (name == "currency") cols.currency = c;
      else ds.transactions.attributes.push_back({std::string(name), i + 1, {}});
    }
    for (auto [name, c] : {std::pair{"txn_id", cols.id}, {"date", cols.date}, {"payee_id", cols.payee},
                           {"amount", cols.amount}})
      if (c < 0)
        diags.error({tx_path, 1, 1, 1}, fmt::format("missing required column '{}' (expected columns txn_id, "
                                                    "date, payee_id, amount; found {})",
                                                    name, found));
    ds.transactions.has_currency_column = cols.currency >= 0;
    if (diags.error_count() > before) return std::nullopt;
  }
  lap("bind plan and data");
  auto bound = bind_run(plan, ds, diags);
  if (!bound) return std::nullopt;
  lap("bind plan and data");
  credit_kernel kernel(plan, ds, bound->calendar, bound->on_plan, diags);
  const auto& texts = kernel.texts();
  for (const auto& name : texts.columns()) {
    const auto* a = ds.transactions.attribute(name);
    cols.text.push_back(a ? static_cast<int>(a->column_number) - 1 : -1);
  }
  lap("bind plan and data");
  const date_parser dates(plan.settings().year);
  std::vector<std::pair<std::uint32_t, decimal>> shares;
  kernel.reserve_split_groups(splits.txn_ids.size(), splits.rows.size());
  splits.kernel_group.reserve(splits.txn_ids.size());
  for (std::uint32_t g = 0; g < splits.txn_ids.size(); ++g) {
    shares.clear();
    for (const auto& r : splits.group(g))
      if (r.usable) shares.emplace_back(r.payee, r.share);
    splits.kernel_group.push_back(kernel.add_split_group(shares));
  }
  lap("group splits");

  // Stream.
  std::fseek(file, static_cast<long>(header_bytes), SEEK_SET);
  std::error_code ec;
  const auto file_bytes = static_cast<std::size_t>(fs::file_size(tx_path, ec));
  // The duplicate check of txn_ids that are plain numbers (most systems
  // number their transactions) below a bound: a bit per number in each
  // thread instead of an 8-byte hash per transaction. The bound is a few
  // times the row count estimated from the first 64 KiB, so that the bitmap
  // stays within about a byte per transaction per thread even when fully
  // touched; larger numbers and other ids are hashed. Either way duplicates
  // are found exactly, so the bound changes no output.
  std::uint32_t number_bound = 0;
  if (const std::size_t sample = head.size() - header_bytes; sample > 0) {
    const std::size_t lines = count_line_feeds(head.data() + header_bytes, sample);
    const std::size_t rows = lines == 0 ? 1 : file_bytes / std::max<std::size_t>(sample / lines, 1) + 1;
    number_bound = static_cast<std::uint32_t>(std::min<std::size_t>(8 * rows + 4096, std::size_t{1} << 31));
  }
  // 256 KiB blocks: a block and the chunk columns parsed from it stay in a
  // core's L2 cache (512 KiB on the machines measured), from the copy out of
  // the page cache to the crediting. With 2 MiB blocks each of them went
  // out to L3 and was read back (10M rows, 2 threads: 1.08-1.11 s against
  // 0.99-1.00 s, medians of 8 side by side; bench/README.md). A small file
  // is one block just big enough (a run over a few rows, as an app checking
  // one payee makes, allocates kilobytes), and gets no more threads than it
  // has blocks.
  constexpr std::size_t largest_block = std::size_t{256} << 10, smallest_block = std::size_t{64} << 10;
  const std::size_t block_bytes =
      options.block_bytes != 0
          ? options.block_bytes
          : std::clamp(file_bytes - std::min(file_bytes, header_bytes) + 1, smallest_block, largest_block);
  block_source source(file, block_bytes, (ropts.max_field_length + 3) * cols.count + 2);
  source.rewind(header_lines + 1);
  std::fseek(file, static_cast<long>(header_bytes), SEEK_SET);
  const unsigned threads = static_cast<unsigned>(
      std::min<std::size_t>(thread_count(options.threads), std::max<std::size_t>(1, (file_bytes + block_bytes - 1) / block_bytes)));
  std::vector<std::unique_ptr<stream_worker>> workers;
  for (unsigned t = 0; t < threads; ++t) workers.push_back(std::make_unique<stream_worker>(kernel));

  auto work = [&](stream_worker& w) {
    w.dictionaries.resize(texts.columns().size());
    w.text.resize(texts.columns().size());
    w.split_seen.assign(splits.txn_ids.size(), 0);
    w.numbers.reset(number_bound);
    txn_chunk c;
    c.text.resize(texts.column_count());
    bool reserved = false;
    std::uint32_t first_line = 0;
    while (source.next(w.block, first_line)) {
      if (w.block.size == 0) continue;
      // The chunk columns keep their size from block to block; `rows` says
      // how much of them this block fills (stores, not push_backs, per row).
      std::size_t rows = 0;
      auto make_room = [&w] {
        const std::size_t n = std::max<std::size_t>(4096, 2 * w.date.size());
        for (auto* v : {&w.payee, &w.line, &w.currency, &w.split}) v->resize(n);
        w.date.resize(n);
        w.amount.resize(n);
        w.amount_scale.resize(n);
        for (auto& t : w.text) t.resize(n);
      };
      bool any_split = false;
      int scale = 0;
      auto error = [&](std::uint32_t line, std::uint32_t column, std::uint32_t length, std::string message) {
        w.errors.push_back({line, diagnostic{severity::error, {tx_path, line, column, length}, {}, {}, std::move(message)}});
      };
      // A good row into the chunk columns (its txn_id is the last of w.ids);
      // text_of(c) is the text of column c.
      auto keep = [&](std::int32_t day, std::uint32_t payee, std::uint32_t slot, std::uint32_t group,
                      std::int64_t coefficient, int amount_scale, std::uint32_t line, std::uint32_t amount_column,
                      std::uint32_t amount_length, auto&& text_of) {
        if (rows == w.date.size()) make_room();
        for (std::size_t k = 0; k < cols.text.size(); ++k)
          w.text[k][rows] =
              cols.text[k] < 0 ? 0 : w.dictionaries[k].intern(text_of(static_cast<std::size_t>(cols.text[k])), texts, k);
        w.date[rows] = day;
        w.payee[rows] = payee;
        w.line[rows] = line;
        w.currency[rows] = slot;
        w.split[rows] = group;
        w.ids.back().row = static_cast<std::uint32_t>(rows);
        w.amount[rows] = coefficient;
        w.amount_scale[rows] = static_cast<std::int8_t>(amount_scale);
        ++rows;
        scale = std::max(scale, amount_scale);
        w.scales.add(coefficient, amount_scale, line, amount_column, amount_length);
      };
      // The hot path: a plain record (field offsets in the block) whose
      // every cell is good. Anything else returns false before changing
      // anything, and on_record reads the row again and reports it.
      const char* const b = w.block.data.get();
      auto on_plain = [&](const std::size_t* at, std::size_t pos, std::uint32_t line) -> bool {
        const auto text_of = [&](std::size_t c) { return std::string_view(b + at[c], at[c + 1] - 1 - at[c]); };
        const auto id = text_of(static_cast<std::size_t>(cols.id));
        if (id.empty()) return false;
        const auto day = dates(text_of(static_cast<std::size_t>(cols.date)));
        if (!day) return false;
        const std::uint32_t payee = payees->of(text_of(static_cast<std::size_t>(cols.payee)), false);
        if (payee == flat_index::empty) return false;
        const auto amount = text_of(static_cast<std::size_t>(cols.amount));
        std::int64_t coefficient = 0;
        int amount_scale = 0;
        if (!block_amount(amount.data(), amount.size(), coefficient, amount_scale) &&
            detail::parse_amount(amount, coefficient, amount_scale) != detail::amount_syntax::ok)
          return false;
        std::uint32_t slot = 0;
        if (cols.currency >= 0) {
          const auto ct = text_of(static_cast<std::size_t>(cols.currency));
          if (!ct.empty()) {
            if (ct.size() != 3) return false;
            const auto known = w.currency_slot(ct);
            if (!known) return false;
            slot = *known;
          }
        }
        const auto [number, h] = txn_key(id, false);
        w.ids.push_back({h, id.data(), static_cast<std::uint32_t>(id.size()), no_row, number});
        const std::size_t amount_at = at[static_cast<std::size_t>(cols.amount)];
        keep(*day, payee, slot, 0, coefficient, amount_scale, line, static_cast<std::uint32_t>(amount_at - pos + 1),
             static_cast<std::uint32_t>(std::max<std::size_t>(amount.size(), 1)), text_of);
        return true;
      };
      auto on_record = [&](const std::vector<csv::field>& f, std::uint32_t line) {
        bool ok = true;
        const auto& id = f[static_cast<std::size_t>(cols.id)];
        if (id.text.empty()) {
          error(id.line, id.column, id.length, "expected a txn_id, found an empty field");
          return;
        }
        // Its hash goes to the duplicate check and the split lookup after
        // the block (see below); `row` is set once the row is known good. A
        // quoted txn_id may live in the strict reader's record, gone by then:
        // it is looked up now (rare).
        const auto [number, h] = txn_key(id.text, id.quoted);
        std::uint32_t group = 0;
        if (id.quoted && !splits.txn_ids.empty()) {
          const auto g = splits.find(h, id.text);
          if (g != flat_index::empty) {
            w.split_seen[g] = 1;
            group = splits.kernel_group[g] + 1;
            any_split = true;
          }
        }
        w.ids.push_back({h, id.quoted ? nullptr : id.text.data(), static_cast<std::uint32_t>(id.text.size()), no_row,
                         number});
        const auto& df = f[static_cast<std::size_t>(cols.date)];
        auto day = dates(df.text);
        if (!day) {
          error(df.line, df.column, df.length,
                fmt::format("bad date {} for date: expected YYYY-MM-DD (a real calendar day)", shown(df.text)));
          ok = false;
        }
        const auto& pf = f[static_cast<std::size_t>(cols.payee)];
        const auto payee = payees->of(pf);
        if (payee == flat_index::empty) {
          error(pf.line, pf.column, pf.length,
                pf.text.empty() ? std::string("expected a payee_id, found an empty field")
                                : fmt::format("unknown payee_id {}: no such payee_id in payees.csv", shown(pf.text)));
          ok = false;
        }
        const auto& af = f[static_cast<std::size_t>(cols.amount)];
        std::int64_t coefficient = 0;
        int amount_scale = 0;
        switch (detail::parse_amount(af.text, coefficient, amount_scale)) {
          case detail::amount_syntax::ok: break;
          case detail::amount_syntax::too_large:
            error(af.line, af.column, af.length, fmt::format("amount out of range: {} does not fit 64 bits", shown(af.text)));
            ok = false;
            break;
          case detail::amount_syntax::too_precise:
            error(af.line, af.column, af.length, detail::too_precise_message(af.text, amount_scale));
            ok = false;
            break;
          case detail::amount_syntax::bad: {
            decimal_syntax_error why;
            if (af.text.empty()) {
              error(af.line, af.column, af.length, "expected a number for amount, found an empty field");
            } else if (!decimal::parse(af.text, &why)) {
              const auto offset = static_cast<std::uint32_t>(std::min(why.offset, af.text.size()));
              error(af.line, af.column + (af.quoted ? 1 : 0) + offset, 1,
                    fmt::format("bad number {} for amount: {}", shown(af.text), why.message));
            } else {
              error(af.line, af.column, af.length, fmt::format("amount out of range: {}", shown(af.text)));
            }
            ok = false;
            break;
          }
        }
        std::uint32_t slot = 0;
        if (cols.currency >= 0) {
          const auto& cf = f[static_cast<std::size_t>(cols.currency)];
          if (!cf.text.empty()) {
            if (const auto known = cf.text.size() == 3 ? w.currency_slot(cf.text) : std::nullopt) {
              slot = *known;
            } else {
              error(cf.line, cf.column, cf.length,
                    fmt::format("bad currency {}: expected a three-letter ISO 4217 code such as EUR", shown(cf.text)));
              ok = false;
            }
          }
        }
        if (!ok) return;  // the run fails; the row is not credited
        keep(*day, payee, slot, group, coefficient, amount_scale, line, af.column, af.length,
             [&](std::size_t c) { return f[c].text; });
      };
      auto on_error = [&](std::uint32_t line, std::uint32_t column, std::uint32_t length, std::string message) {
        error(line, column, length, std::move(message));
      };
      if (const auto fatal = split_records(w.block.view(), first_line, cols.count, ropts.max_field_length, w.fields, w.rec,
                                           on_plain, on_record, on_error))
        w.fatal_line = w.fatal_line == 0 ? fatal : std::min(w.fatal_line, fatal);
      // The block's txn_ids, in a loop of their own: a number's bit, or
      // the hash to its duplicate-check partition; and the split lookup
      // with the filter word and index slot of later rows prefetched, so
      // that their cache misses overlap instead of stalling one row at a time.
      std::size_t hashed = 0;
      {
        const std::size_t n = w.ids.size();
        const bool splits_met = !splits.txn_ids.empty();
        constexpr std::size_t ahead = 16;
        for (std::size_t i = 0; i < n; ++i) {
          const pending_id& e = w.ids[i];
          if (splits_met) {
            if (i + ahead < n) __builtin_prefetch(splits.filter_word(w.ids[i + ahead].hash));
            if (i + ahead / 2 < n && splits.may_hold(w.ids[i + ahead / 2].hash))
              __builtin_prefetch(splits.index.slot_address(w.ids[i + ahead / 2].hash));
          }
          if (e.number < number_bound) {
            if (w.numbers.test_and_set(e.number)) w.repeated.push_back(e.hash | 1);
          } else {
            w.hashes[e.hash >> 56].push_back(e.hash);
            ++hashed;
          }
          if (!splits_met || e.text == nullptr || !splits.may_hold(e.hash)) continue;
          const auto g = splits.find(e.hash, std::string_view(e.text, e.length));
          if (g == flat_index::empty) continue;
          w.split_seen[g] = 1;
          any_split = true;
          if (e.row != no_row) w.split[e.row] = splits.kernel_group[g] + 1;
        }
        w.ids.clear();
      }
      if (!reserved && rows > 0) {
        // Size the hash partitions once from the file size and this block's
        // rows whose txn_id is hashed.
        reserved = true;
        const std::size_t expected = file_bytes / std::max<std::size_t>(w.block.size / rows, 1) * hashed / rows;
        const std::size_t each = expected / threads / hash_partitions;
        for (auto& p : w.hashes) p.reserve(each + each / 16 + 16);
      }
      // One scale per chunk: the largest; other amounts are brought to it.
      // One too large at that scale is too large at the file's (reported
      // after the last block, see amount_scales): the run fails.
      for (std::size_t i = 0; i < rows; ++i) {
        if (w.amount_scale[i] == scale) continue;
        std::int64_t v;
        if (!detail::upscale_i64(w.amount[i], scale - w.amount_scale[i], v)) v = 0;
        w.amount[i] = v;
      }
      c.rows = rows;
      c.first_row = 0;
      c.date = w.date.data();
      c.payee = w.payee.data();
      c.amount = w.amount.data();
      c.amount_scale = scale;
      c.line = w.line.data();
      c.split = any_split ? w.split.data() : nullptr;
      for (std::size_t k = 0; k < w.text.size(); ++k)
        c.text[k] = {cols.text[k] < 0 ? nullptr : w.text[k].data(), w.dictionaries[k].truth.empty() ? nullptr : w.dictionaries[k].truth.data()};
      if (c.rows == 0) continue;
      c.text.back() = {w.currency.data(), w.book.truth()};
      // A column the plan tests but the data lacks was reported by bind_run.
      for (std::size_t k = 0; k < w.text.size(); ++k)
        if (!c.text[k].truth) c.text[k] = {nullptr, &zero_truth};
      kernel.process(c, w.book, w.acc, w.scratch);
    }
  };
  if (threads == 1) {
    work(*workers[0]);
  } else {
    std::vector<std::thread> pool;
    for (auto& w : workers) pool.emplace_back(work, std::ref(*w));
    for (auto& th : pool) th.join();
  }

  lap("stream transactions");
  // Errors in line order, capped per file as read_dataset does.
  std::vector<std::pair<std::uint32_t, diagnostic>> errors;
  for (auto& w : workers)
    errors.insert(errors.end(), std::make_move_iterator(w->errors.begin()), std::make_move_iterator(w->errors.end()));
  {
    amount_scales scales;
    for (auto& w : workers) scales.merge(w->scales);
    // read_dataset's message, at the amount that brought the scale.
    if (const auto line = scales.first_line_not_fitting(); line != UINT32_MAX)
      errors.push_back({scales.largest_line,
                        diagnostic{severity::error,
                                   {tx_path, scales.largest_line, scales.largest_column, scales.largest_length},
                                   {},
                                   {},
                                   fmt::format("amount out of range: with {} fractional digits, the amount on line {} "
                                               "no longer fits 64 bits",
                                               scales.largest, line)}});
  }
  std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.where.column) < std::tie(b.first, b.second.where.column);
  });

  // Duplicate txn_ids: equal hashes, partition by partition, then an exact check.
  std::vector<std::uint64_t> suspects;
  {
    std::mutex m;
    std::atomic<std::size_t> next{0};
    auto check = [&] {
      std::vector<std::uint64_t> table;
      std::vector<std::uint64_t> found;
      for (;;) {
        const std::size_t p = next.fetch_add(1);
        if (p >= hash_partitions) break;
        std::size_t n = 0;
        for (auto& w : workers) n += w->hashes[p].size();
        std::size_t cap = 16;
        while (cap < 2 * n) cap <<= 1;
        table.assign(cap, 0);
        for (auto& w : workers) {
          for (auto h : w->hashes[p]) {
            const std::uint64_t key = h | 1;  // 0 marks an empty slot
            for (std::size_t i = (h >> 8) & (cap - 1);; i = (i + 1) & (cap - 1)) {
              if (table[i] == 0) {
                table[i] = key;
                break;
              }
              if (table[i] == key) {
                found.push_back(key);
                break;
              }
            }
          }
          std::vector<std::uint64_t>().swap(w->hashes[p]);
        }
      }
      std::lock_guard lock(m);
      suspects.insert(suspects.end(), found.begin(), found.end());
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(check);
    check();
    for (auto& th : pool) th.join();
  }
  // Numbers met twice in one thread, and in two threads.
  for (auto& w : workers) suspects.insert(suspects.end(), w->repeated.begin(), w->repeated.end());
  if (threads > 1)
    for (std::size_t i = 0; i < workers[0]->numbers.words(); ++i) {
      std::uint64_t seen = 0, twice = 0;
      for (auto& w : workers) {
        const std::uint64_t word = w->numbers.word(i);
        twice |= seen & word;
        seen |= word;
      }
      for (; twice != 0; twice &= twice - 1) {
        const auto n = static_cast<std::uint32_t>(i * 64 + static_cast<std::size_t>(__builtin_ctzll(twice)));
        suspects.push_back(number_hash(n) | 1);
      }
    }
  lap("check duplicate txn_ids");
  if (!suspects.empty()) {
    std::sort(suspects.begin(), suspects.end());
    std::unordered_map<std::string, std::uint32_t> first;  // suspect txn_id -> first line
    source.rewind(header_lines + 1);
    std::fseek(file, static_cast<long>(header_bytes), SEEK_SET);
    auto& w = *workers[0];
    std::uint32_t first_line = 0;
    while (source.next(w.block, first_line)) {
      split_records(
          w.block.view(), first_line, cols.count, ropts.max_field_length, w.fields, w.rec, nullptr,
          [&](const std::vector<csv::field>& f, std::uint32_t line) {
            const auto& id = f[static_cast<std::size_t>(cols.id)];
            if (id.text.empty() || !std::binary_search(suspects.begin(), suspects.end(), txn_hash(id.text) | 1)) return;
            auto [it, fresh] = first.try_emplace(std::string(id.text), line);
            if (!fresh)
              errors.push_back({line, diagnostic{severity::error, {tx_path, id.line, id.column, id.length}, {}, {},
                                                 fmt::format("duplicate txn_id {} (first on line {})", shown(id.text), it->second)}});
          },
          [](std::uint32_t, std::uint32_t, std::uint32_t, const std::string&) {});
    }
    std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // A fatal CSV error (an unclosed quote) ends the file where read_dataset
  // stops reading it: what other threads found past it is not reported, and
  // split rows are not checked against txn_ids that could not all be read.
  std::uint32_t fatal_line = 0;
  for (auto& w : workers)
    if (w->fatal_line != 0 && (fatal_line == 0 || w->fatal_line < fatal_line)) fatal_line = w->fatal_line;
  if (fatal_line != 0)
    errors.erase(std::remove_if(errors.begin(), errors.end(), [&](const auto& e) { return e.first > fatal_line; }),
                 errors.end());
  {
    std::vector<diagnostic> in_order;
    for (auto& [line, d] : errors) in_order.push_back(std::move(d));
    add_capped(diags, in_order, tx_path, ropts.max_errors_per_file);
  }

  // Split rows whose txn_id never came; for those whose txn_id came, the
  // errors that needed it (a payee twice, shares not summing to 1).
  const std::string splits_path = ds.file_path("splits.csv");
  for (std::size_t g = 0; fatal_line == 0 && g < splits.txn_ids.size(); ++g) {
    bool seen = false;
    for (auto& w : workers) seen = seen || w->split_seen[g];
    const auto rows = splits.group(static_cast<std::uint32_t>(g));
    if (!seen) {
      for (const auto& r : rows)
        split_diags.error({splits_path, r.line, r.column, r.length},
                    fmt::format("unknown txn_id {}: no such txn_id in transactions.csv", shown(splits.txn_ids[g])));
      continue;
    }
    for (auto& d : splits.if_known[g]) split_diags.add(std::move(d));
    if (rows.empty() || splits.bad_group[g]) continue;
    decimal sum;
    for (const auto& r : rows) sum += r.share;
    if (sum == decimal(1)) continue;
    std::string lines;
    std::size_t k = 0;
    for (const auto& r : rows) {
      if (k == 10) {
        lines += ", ...";
        break;
      }
      lines += fmt::format("{}{}", k++ == 0 ? "" : ", ", r.line);
    }
    split_diags.error({splits_path, rows.front().line, rows.front().share_column, 1},
                       fmt::format("shares of txn_id '{}' sum to {}, expected exactly 1 (split rows on lines {})",
                                   splits.txn_ids[g], sum.to_string(), lines));
  }
  {
    std::vector<diagnostic> errors;
    for (const auto& d : split_diags) {
      if (d.level == severity::error)
        errors.push_back(d);
      else
        diags.add(d);
    }
    std::stable_sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    add_capped(diags, errors, splits_path, ropts.max_errors_per_file);
  }
  if (diags.error_count() > before) return std::nullopt;

  std::vector<credit_accumulator> parts;
  for (auto& w : workers) parts.push_back(std::move(w->acc));
  lap("check duplicate txn_ids");
  auto credits = kernel.finish(parts, diags, tx_path);
  lap("finish credits");
  if (diags.error_count() > before) return std::nullopt;
  run_result result;
  result.totals = credits.totals;
  evaluate_payees(plan, ds, *bound, credits, options.threads, result, diags);
  lap("evaluate payees");
  result.phases = std::move(phases);
  if (diags.error_count() > before) return std::nullopt;
  return result;
}

}  // namespace eval

std::optional<run_result> run_files(const plan& p, const std::string& directory, diagnostics& diags,
                                    const run_options& options) {
  return eval::stream_run(p.impl().compiled, directory, diags, options);
}

}  // namespace icm
