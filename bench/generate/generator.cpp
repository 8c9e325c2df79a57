// The reference-plan data generator: see generator.hpp for why, README.md for
// the edge payees. Everything here is integer arithmetic on minor units.
#include "generator.hpp"

#include <array>        // name and rate tables
#include <cstdio>       // std::FILE, fopen, fwrite
#include <cstring>      // std::memcpy
#include <optional>     // output_file's writer
#include <string_view>  // table entries
#include <system_error> // filesystem errors
#include <vector>       // per-payee state, write buffer

namespace icm::gen {
namespace {

// ---------------------------------------------------------------------------
// Randomness: splitmix64 to seed, xoshiro256** to draw. Both are fully
// specified, so the bytes do not depend on the standard library.

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class rng {
 public:
  // Independent streams per file, so that adding a column to one file does
  // not reshuffle the others.
  rng(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (auto& word : s_) word = splitmix64(sm);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [lo, hi] (inclusive). The modulo bias is below 2^-30 for the
  // ranges used here and, more to the point, deterministic.
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
  }
  // True with probability per_mille / 1000.
  bool chance(int per_mille) noexcept { return between(0, 999) < per_mille; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  std::array<std::uint64_t, 4> s_{};
};

enum stream_id : std::uint64_t { payee_stream = 1, fx_stream = 2, txn_stream = 3 };

// a * b / c without intermediate overflow (c > 0), truncated toward zero.
__extension__ typedef __int128 wide_int;
std::int64_t mul_div(std::int64_t a, std::int64_t b, std::int64_t c) noexcept {
  return static_cast<std::int64_t>(static_cast<wide_int>(a) * b / c);
}

// ---------------------------------------------------------------------------
// Calendar: only what the plan year needs.

bool is_leap(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}
int days_in_year(int year) noexcept { return is_leap(year) ? 366 : 365; }

struct civil_date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

// Day of year (0-based) to month and day.
civil_date from_day_of_year(int year, int doy) noexcept {
  static constexpr std::array<int, 12> lengths{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = 0;
  for (; month < 11; ++month) {
    const int len = lengths[static_cast<std::size_t>(month)] + (month == 1 && is_leap(year));
    if (doy < len) break;
    doy -= len;
  }
  return {year, month + 1, doy + 1};
}

int quarter_of(const civil_date& d) noexcept { return (d.month - 1) / 3; }  // 0..3

// ---------------------------------------------------------------------------
// Output: a large byte buffer with hand-rolled integer formatting, flushed to
// a file or appended to a string. Rows are far shorter than `row_room`, so a
// row is written without bounds checks once room is made for it.

class csv_out {
 public:
  static constexpr std::size_t capacity = std::size_t{1} << 20;
  static constexpr std::size_t row_room = 1024;

  csv_out(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {
    buf_.resize(capacity);
  }
  explicit csv_out(std::string* text) : text_(text) { buf_.resize(capacity); }

  void begin_row() {
    if (pos_ + row_room > capacity) flush();
  }
  void text(std::string_view s) {
    std::memcpy(buf_.data() + pos_, s.data(), s.size());
    pos_ += s.size();
  }
  void ch(char c) { buf_[pos_++] = c; }
  void uint(std::uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) buf_[pos_++] = tmp[--n];
  }
  // An amount of `minor` units with `decimals` fractional digits: -1234.50.
  void amount(std::int64_t minor, int decimals) {
    std::uint64_t magnitude = minor < 0 ? 0 - static_cast<std::uint64_t>(minor)
                                        : static_cast<std::uint64_t>(minor);
    if (minor < 0) ch('-');
    std::uint64_t unit = 1;
    for (int i = 0; i < decimals; ++i) unit *= 10;
    uint(magnitude / unit);
    if (decimals == 0) return;
    ch('.');
    std::uint64_t frac = magnitude % unit;
    for (int i = decimals - 1; i >= 0; --i) {
      buf_[pos_ + static_cast<std::size_t>(i)] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    pos_ += static_cast<std::size_t>(decimals);
  }
  void two_digits(int v) {
    ch(static_cast<char>('0' + v / 10));
    ch(static_cast<char>('0' + v % 10));
  }
  void date(const civil_date& d) {
    uint(static_cast<std::uint64_t>(d.year));
    ch('-');
    two_digits(d.month);
    ch('-');
    two_digits(d.day);
  }
  void period(int year, int quarter) {  // 2026-Q1
    uint(static_cast<std::uint64_t>(year));
    text("-Q");
    ch(static_cast<char>('1' + quarter));
  }

  void flush() {
    if (pos_ == 0) return;
    if (text_ != nullptr) {
      text_->append(buf_.data(), pos_);
    } else if (std::fwrite(buf_.data(), 1, pos_, file_) != pos_) {
      throw generator_error("cannot write " + path_);
    }
    pos_ = 0;
  }

 private:
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::FILE* file_ = nullptr;
  std::string* text_ = nullptr;
  std::string path_;
};

struct outputs {
  csv_out& payees;
  csv_out& quotas;
  csv_out& fx;
  csv_out& transactions;
  csv_out& splits;
};

// ---------------------------------------------------------------------------
// The data model.

constexpr int quarters = 4;

// Non-plan currencies of fx.csv, with a base rate in millionths of a USD.
struct currency_info {
  std::string_view code;
  std::int64_t base_rate_micro;
  int decimals;  // ISO 4217 minor unit
};
constexpr std::array<currency_info, 5> fx_currencies{{
    {"EUR", 1'080'000, 2},
    {"GBP", 1'270'000, 2},
    {"JPY", 6'700, 0},
    {"CAD", 740'000, 2},
    {"INR", 12'000, 2},
}};
constexpr std::size_t eur = 0;
// The EUR rate of the second quarter is pinned so that edge payee N+6 gets
// exact half-cent ties: x.xx EUR * 1.085 ends in 5 thousandths.
constexpr int pinned_eur_quarter = 1;
constexpr std::int64_t pinned_eur_rate_micro = 1'085'000;

constexpr std::array<std::string_view, 4> regions{"NA", "EMEA", "APAC", "LATAM"};
constexpr std::array<std::string_view, 5> products{"saas", "services", "hardware", "support",
                                                   "training"};
constexpr std::array<std::string_view, 16> first_names{
    "Alex", "Blake", "Casey", "Dana",   "Eli",   "Frankie", "Gray",  "Harper",
    "Ira",  "Jules", "Kim",   "Logan", "Morgan", "Noa",     "Oakley", "Parker"};
constexpr std::array<std::string_view, 16> last_names{
    "Abe",   "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes",
    "Ito",   "Jansen", "Kumar", "Lopez",  "Moreau",  "Nakamura", "Okafor", "Patel"};

struct payee_state {
  std::uint8_t region = 0;
  // Expected USD cents of one positive transaction, per quarter: chosen so
  // that the quarter's credited total lands near quota x a random
  // attainment in 0-200%.
  std::array<std::int64_t, quarters> typical_cents{};
};

// Expected credit of a transaction as a fraction of its typical amount, in
// 1/10000: product weights 40% saas + 20% services + 20% hardware x 50% = 70%,
// times 95% positive + 5% credit notes of half size (-2.5%) = 92.5%.
constexpr std::int64_t expected_credit_per_10k = 6475;

constexpr std::string_view payees_header =
    "payee_id,name,manager_id,role,region,currency,hire_date,end_date,target_incentive\n";
constexpr std::string_view quotas_header = "payee_id,period,amount\n";
constexpr std::string_view fx_header = "currency,period,rate\n";
constexpr std::string_view transactions_header =
    "txn_id,date,payee_id,amount,currency,product,region,deal_type\n";
constexpr std::string_view splits_header = "txn_id,payee_id,share\n";

std::string_view payee_currency(rng& r, std::size_t region) {
  switch (region) {
    case 0: return r.chance(200) ? "CAD" : "USD";
    case 1: return r.chance(300) ? "GBP" : "EUR";
    case 2: return r.chance(500) ? "JPY" : "INR";
    default: return "USD";
  }
}

// Random payees 1..N: managers are ids 1, 11, 21, ... (one in ten); a seller
// reports to the manager of its block of ten, a manager to a random earlier
// manager, so manager_id < payee_id and the chain has no cycle.
std::vector<payee_state> write_random_payees(const generator_options& opt, outputs& out,
                                             generated_counts& counts) {
  rng r(opt.seed, payee_stream);
  const auto n = opt.payees;
  std::vector<payee_state> state(n);
  const std::int64_t four_n = static_cast<std::int64_t>(4 * n);
  const auto txns = static_cast<std::int64_t>(opt.transactions);

  for (std::uint64_t id = 1; id <= n; ++id) {
    payee_state& p = state[id - 1];
    const bool manager = id % 10 == 1;
    std::uint64_t manager_id = 0;
    if (id > 1) {
      if (manager) {
        const auto earlier = static_cast<std::int64_t>((id - 2) / 10);  // managers below id
        manager_id = static_cast<std::uint64_t>(r.between(0, earlier)) * 10 + 1;
      } else {
        manager_id = (id - 1) / 10 * 10 + 1;
      }
    }
    const int region_draw = static_cast<int>(r.between(0, 99));
    p.region = static_cast<std::uint8_t>(region_draw < 40 ? 0 : region_draw < 70 ? 1
                                         : region_draw < 90 ? 2 : 3);
    const auto first = first_names[static_cast<std::size_t>(r.between(0, 15))];
    const auto last = last_names[static_cast<std::size_t>(r.between(0, 15))];
    const auto currency = payee_currency(r, p.region);
    const std::string_view role = manager ? "manager" : r.chance(200) ? "se" : "ae";

    // Employment: most payees span the whole year; ~3% join and ~3% leave
    // inside it (never a manager, to keep every chain employed).
    const int kind = manager ? 0 : static_cast<int>(r.between(0, 99));
    civil_date hire{static_cast<int>(r.between(opt.year - 10, opt.year - 1)),
                    static_cast<int>(r.between(1, 12)), static_cast<int>(r.between(1, 28))};
    civil_date end{};
    if (kind >= 97) {
      hire = from_day_of_year(opt.year, static_cast<int>(r.between(31, 333)));
    } else if (kind >= 94) {
      end = from_day_of_year(opt.year, static_cast<int>(r.between(31, 333)));
    }
    const std::int64_t target_incentive = r.between(10'000, 40'000) * 100;

    csv_out& o = out.payees;
    o.begin_row();
    o.uint(id);
    o.ch(',');
    o.text(first);
    o.ch(' ');
    o.text(last);
    o.ch(',');
    if (manager_id != 0) o.uint(manager_id);
    o.ch(',');
    o.text(role);
    o.ch(',');
    o.text(regions[p.region]);
    o.ch(',');
    o.text(currency);
    o.ch(',');
    o.date(hire);
    o.ch(',');
    if (end.year != 0) o.date(end);
    o.ch(',');
    o.amount(target_incentive, 2);
    o.ch('\n');
    ++counts.payees;

    for (int q = 0; q < quarters; ++q) {
      const std::int64_t quota = r.between(50'000, 400'000) * 100;
      const std::int64_t attainment_per_mille = r.between(0, 2000);
      // Credited target for the quarter, spread over its expected number of
      // transactions (M / 4N, at least one).
      std::int64_t typical = mul_div(mul_div(quota, attainment_per_mille, 1000), 10'000,
                                     expected_credit_per_10k);
      if (txns > four_n) typical = mul_div(typical, four_n, txns);
      p.typical_cents[static_cast<std::size_t>(q)] = typical < 100 ? 100 : typical;

      csv_out& qo = out.quotas;
      qo.begin_row();
      qo.uint(id);
      qo.ch(',');
      qo.period(opt.year, q);
      qo.ch(',');
      qo.amount(quota, 2);
      qo.ch('\n');
      ++counts.quotas;
    }
  }
  return state;
}

using rate_table = std::array<std::array<std::int64_t, quarters>, fx_currencies.size()>;

rate_table write_fx(const generator_options& opt, outputs& out, generated_counts& counts) {
  rng r(opt.seed, fx_stream);
  rate_table rates{};
  for (std::size_t c = 0; c < fx_currencies.size(); ++c) {
    const std::int64_t base = fx_currencies[c].base_rate_micro;
    for (int q = 0; q < quarters; ++q) {
      // Within 3% of the base rate, in millionths.
      std::int64_t rate = base + r.between(-base * 3 / 100, base * 3 / 100);
      if (c == eur && q == pinned_eur_quarter) rate = pinned_eur_rate_micro;
      rates[c][static_cast<std::size_t>(q)] = rate;

      csv_out& o = out.fx;
      o.begin_row();
      o.text(fx_currencies[c].code);
      o.ch(',');
      o.period(opt.year, q);
      o.ch(',');
      o.amount(rate, 6);
      o.ch('\n');
      ++counts.fx_rates;
    }
  }
  return rates;
}

void write_random_transactions(const generator_options& opt,
                               const std::vector<payee_state>& payees, const rate_table& rates,
                               outputs& out, generated_counts& counts) {
  rng r(opt.seed, txn_stream);
  const auto n = static_cast<std::int64_t>(opt.payees);
  const int year_days = days_in_year(opt.year);
  const bool can_split = opt.splits && n >= 2;

  for (std::uint64_t id = 1; id <= opt.transactions; ++id) {
    const std::int64_t payee = r.between(1, n);
    const payee_state& p = payees[static_cast<std::size_t>(payee - 1)];
    const civil_date date =
        from_day_of_year(opt.year, static_cast<int>(r.between(0, year_days - 1)));
    const int q = quarter_of(date);
    const bool credit_note = r.chance(50);
    const int product_draw = static_cast<int>(r.between(0, 99));
    const std::size_t product = product_draw < 40   ? 0
                                : product_draw < 60 ? 1
                                : product_draw < 80 ? 2
                                : product_draw < 90 ? 3
                                                    : 4;
    const int currency_draw = static_cast<int>(r.between(0, 99));
    const std::int64_t typical = p.typical_cents[static_cast<std::size_t>(q)];
    const std::int64_t usd_cents = credit_note ? -mul_div(typical, r.between(200, 800), 1000)
                                               : mul_div(typical, r.between(500, 1500), 1000);

    std::string_view currency = "USD";
    int decimals = 2;
    std::int64_t minor = usd_cents;
    if (currency_draw >= 70) {
      const auto c = static_cast<std::size_t>((currency_draw - 70) / 6);
      const currency_info& info = fx_currencies[c];
      currency = info.code;
      decimals = info.decimals;
      // USD cents -> currency minor units: cents * 10^6 / rate / 10^(2 - decimals).
      const std::int64_t scale = decimals == 2 ? 1'000'000 : 10'000;
      minor = mul_div(usd_cents, scale, rates[c][static_cast<std::size_t>(q)]);
    }
    if (minor == 0) minor = credit_note ? -1 : 1;

    std::string_view deal_type = "credit_note";
    if (!credit_note) {
      const int deal_draw = static_cast<int>(r.between(0, 9));
      deal_type = deal_draw < 4 ? "new" : deal_draw < 7 ? "expansion" : "renewal";
    }

    csv_out& o = out.transactions;
    o.begin_row();
    o.uint(id);
    o.ch(',');
    o.date(date);
    o.ch(',');
    o.uint(static_cast<std::uint64_t>(payee));
    o.ch(',');
    o.amount(minor, decimals);
    o.ch(',');
    o.text(currency);
    o.ch(',');
    o.text(products[product]);
    o.ch(',');
    o.text(regions[p.region]);
    o.ch(',');
    o.text(deal_type);
    o.ch('\n');
    ++counts.transactions;

    // The split draws happen even with --no-splits, so that transactions.csv
    // is the same file with and without splits.
    const bool split = r.chance(10);
    const std::int64_t other_draw = r.between(1, n > 1 ? n - 1 : 1);
    const int shares_draw = static_cast<int>(r.between(0, 2));
    if (split && can_split) {
      const std::int64_t other = other_draw >= payee ? other_draw + 1 : other_draw;
      static constexpr std::array<std::array<std::string_view, 2>, 3> shares{
          {{"0.6", "0.4"}, {"0.5", "0.5"}, {"0.4", "0.6"}}};
      const auto& pair = shares[static_cast<std::size_t>(shares_draw)];
      csv_out& s = out.splits;
      for (int k = 0; k < 2; ++k) {
        s.begin_row();
        s.uint(id);
        s.ch(',');
        s.uint(static_cast<std::uint64_t>(k == 0 ? payee : other));
        s.ch(',');
        s.text(pair[static_cast<std::size_t>(k)]);
        s.ch('\n');
        ++counts.splits;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Edge payees: fixed rows, documented one by one in README.md. Amounts are
// in minor units of their currency.

struct edge_payee {
  std::uint64_t offset;  // id = N + offset
  std::string_view name;
  std::int64_t target_incentive_cents;
};
constexpr std::array<edge_payee, edge_payee_count> edge_payees{{
    {1, "Edge at quota", 2'000'000},
    {2, "Edge one cent below quota", 2'000'000},
    {3, "Edge at 50 percent", 2'000'000},
    {4, "Edge at 150 percent", 2'000'000},
    {5, "Edge cap hit", 200'000},
    {6, "Edge FX half-cent ties", 2'000'000},
    {7, "Edge weight half-cent ties", 2'000'000},
    {8, "Edge no transactions", 2'000'000},
    {9, "Edge clawback and split", 2'000'000},
    {10, "Edge split partner", 2'000'000},
}};
constexpr std::int64_t edge_quota_cents = 10'000'000;  // 100000.00 every quarter

struct edge_txn {
  std::uint64_t offset;        // id = M + offset
  int month;
  int day;
  std::uint64_t payee_offset;  // payee id = N + payee_offset
  std::int64_t minor;
  std::string_view currency;
  std::string_view product;
  std::string_view deal_type;
};
constexpr std::array<edge_txn, edge_txn_count - 1> edge_txns{{
    {1, 2, 10, 1, 10'000'000, "USD", "saas", "new"},          // 100000.00 = quota
    {2, 2, 11, 2, 9'999'999, "USD", "saas", "new"},           // 99999.99
    {3, 2, 12, 3, 5'000'000, "USD", "services", "new"},       // 50000.00 = 50%
    {4, 2, 13, 4, 15'000'000, "USD", "saas", "new"},          // 150000.00 = 150%
    {5, 2, 14, 5, 13'000'000, "USD", "saas", "new"},          // 130000.00, cap 6000.00
    {6, 5, 12, 6, 1'234'500, "EUR", "saas", "new"},           // x1.085 = 13394.325
    {7, 5, 13, 6, 1'234'700, "EUR", "saas", "expansion"},     // x1.085 = 13396.495
    {8, 8, 10, 7, 10'001, "USD", "hardware", "new"},          // x50% = 50.005
    {9, 8, 11, 7, 10'003, "USD", "hardware", "new"},          // x50% = 50.015
    {10, 11, 10, 7, 19'999'999, "USD", "hardware", "new"},    // x50% = 99999.995
    {11, 2, 16, 9, 12'000'000, "USD", "saas", "new"},         // Q1 120%
    {12, 5, 18, 9, -3'000'000, "USD", "saas", "credit_note"}, // Q2 net negative
}};
// One more edge transaction, split 60/40 between N+9 and N+10.
constexpr edge_txn edge_split_txn{13, 8, 20, 9, 10'000'000, "USD", "saas", "new"};

void write_edge_txn(const generator_options& opt, const edge_txn& t, outputs& out,
                    generated_counts& counts) {
  csv_out& o = out.transactions;
  o.begin_row();
  o.uint(opt.transactions + t.offset);
  o.ch(',');
  o.date({opt.year, t.month, t.day});
  o.ch(',');
  o.uint(opt.payees + t.payee_offset);
  o.ch(',');
  o.amount(t.minor, t.currency == "JPY" ? 0 : 2);
  o.ch(',');
  o.text(t.currency);
  o.ch(',');
  o.text(t.product);
  o.ch(',');
  o.text("NA");
  o.ch(',');
  o.text(t.deal_type);
  o.ch('\n');
  ++counts.transactions;
}

void write_edges(const generator_options& opt, outputs& out, generated_counts& counts) {
  for (const edge_payee& e : edge_payees) {
    const std::uint64_t id = opt.payees + e.offset;
    csv_out& o = out.payees;
    o.begin_row();
    o.uint(id);
    o.ch(',');
    o.text(e.name);
    o.text(",,ae,NA,USD,");
    o.date({opt.year - 5, 1, 1});
    o.text(",,");
    o.amount(e.target_incentive_cents, 2);
    o.ch('\n');
    ++counts.payees;
    for (int q = 0; q < quarters; ++q) {
      csv_out& qo = out.quotas;
      qo.begin_row();
      qo.uint(id);
      qo.ch(',');
      qo.period(opt.year, q);
      qo.ch(',');
      qo.amount(edge_quota_cents, 2);
      qo.ch('\n');
      ++counts.quotas;
    }
  }
  for (const edge_txn& t : edge_txns) write_edge_txn(opt, t, out, counts);
  write_edge_txn(opt, edge_split_txn, out, counts);
  if (opt.splits) {
    csv_out& s = out.splits;
    const std::uint64_t txn = opt.transactions + edge_split_txn.offset;
    s.begin_row();
    s.uint(txn);
    s.ch(',');
    s.uint(opt.payees + 9);
    s.text(",0.6\n");
    s.begin_row();
    s.uint(txn);
    s.ch(',');
    s.uint(opt.payees + 10);
    s.text(",0.4\n");
    counts.splits += 2;
  }
}

generated_counts generate_into(const generator_options& opt, outputs& out) {
  validate(opt);
  generated_counts counts;
  out.payees.text(payees_header);
  out.quotas.text(quotas_header);
  out.fx.text(fx_header);
  out.transactions.text(transactions_header);
  out.splits.text(splits_header);

  const std::vector<payee_state> payees = write_random_payees(opt, out, counts);
  const rate_table rates = write_fx(opt, out, counts);
  write_random_transactions(opt, payees, rates, out, counts);
  write_edges(opt, out, counts);

  out.payees.flush();
  out.quotas.flush();
  out.fx.flush();
  out.transactions.flush();
  out.splits.flush();
  return counts;
}

// A file written under a temporary name and renamed on success.
class output_file {
 public:
  output_file(const std::filesystem::path& directory, std::string_view name)
      : final_(directory / name), temp_(directory / (std::string(name) + ".tmp")) {
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) throw generator_error("cannot create " + temp_.string());
    out_.emplace(file_, temp_.string());
  }
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file() {
    if (file_ != nullptr) {  // not committed: an error is on its way
      std::fclose(file_);
      std::error_code ignored;
      std::filesystem::remove(temp_, ignored);
    }
  }

  csv_out& out() { return *out_; }

  void commit() {
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0) throw generator_error("cannot write " + temp_.string());
    std::error_code ec;
    std::filesystem::rename(temp_, final_, ec);
    if (ec) throw generator_error("cannot rename to " + final_.string() + ": " + ec.message());
  }

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  std::optional<csv_out> out_;
};

}  // namespace

void validate(const generator_options& opt) {
  if (opt.payees < 1 || opt.payees > generator_options::max_payees) {
    throw generator_error("--payees must be between 1 and " +
                          std::to_string(generator_options::max_payees));
  }
  if (opt.transactions > generator_options::max_transactions) {
    throw generator_error("--transactions must be at most " +
                          std::to_string(generator_options::max_transactions));
  }
  if (opt.year < 1970 || opt.year > 9999) {
    throw generator_error("--year must be between 1970 and 9999");
  }
}

generated_files generate(const generator_options& options) {
  generated_files files;
  csv_out payees(&files.payees), quotas(&files.quotas), fx(&files.fx),
      transactions(&files.transactions), splits(&files.splits);
  outputs out{payees, quotas, fx, transactions, splits};
  files.counts = generate_into(options, out);
  return files;
}

generated_counts write_directory(const generator_options& options,
                                 const std::filesystem::path& directory) {
  validate(options);
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) throw generator_error("cannot create " + directory.string() + ": " + ec.message());

  output_file payees(directory, "payees.csv"), quotas(directory, "quotas.csv"),
      fx(directory, "fx.csv"), transactions(directory, "transactions.csv"),
      splits(directory, "splits.csv");
  outputs out{payees.out(), quotas.out(), fx.out(), transactions.out(), splits.out()};
  const generated_counts counts = generate_into(options, out);
  payees.commit();
  quotas.commit();
  fx.commit();
  transactions.commit();
  splits.commit();
  return counts;
}

}  // namespace icm::gen
