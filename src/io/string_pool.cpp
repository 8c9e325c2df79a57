// string_pool: an open-addressing hash set over strings stored in blocks.
//
// Why not unordered_map<string, id>: a node and a std::string per distinct
// value, and a hash of a temporary on every lookup. Here a lookup hashes the
// view once, probes a flat array of ids and compares against the stored hash
// first; the bytes live in blocks (1 KiB growing to 64 KiB) that never move.
#include <algorithm>  // std::min, std::max
#include <cstring>    // memcpy
#include <utility>    // std::exchange

#include "icm/data.hpp"

namespace icm {

namespace {
constexpr std::size_t block_size = 64 * 1024;
// A power of two; small, because many pools stay small (lookups of a few
// payees, a fuzzer input) and big ones are reserved or double as they grow.
constexpr std::size_t initial_slots = 16;

std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  return x ^ (x >> 32);
}

// Eight bytes at a time, each word mixed in; ids and attribute values are
// short, so this beats a general-purpose string hash. The table compares the
// text on a fingerprint match, so the hash need not be cryptographic.
std::uint64_t text_hash(std::string_view s) noexcept {
  constexpr std::uint64_t k = 0x9e3779b97f4a7c15ull;
  std::uint64_t h = (s.size() + 1) * k;
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * k;
    h ^= h >> 31;
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * k;
  }
  return mix(h);
}

std::uint64_t fingerprint(std::uint64_t hash) noexcept {
  return hash >> 32;
}
std::uint64_t slot_value(std::uint64_t hash, std::uint32_t id) noexcept {
  return (fingerprint(hash) << 32) | (static_cast<std::uint64_t>(id) + 1);
}
}  // namespace

string_pool::string_pool() : strings_{std::string_view{}}, hashes_{0}, slots_(initial_slots, 0) {}

string_pool::string_pool(string_pool&& other) noexcept
    : strings_(std::move(other.strings_)),
      hashes_(std::move(other.hashes_)),
      slots_(std::move(other.slots_)),
      blocks_(std::move(other.blocks_)),
      block_left_(std::exchange(other.block_left_, 0)),
      block_next_(std::exchange(other.block_next_, nullptr)) {
  other.strings_ = {std::string_view{}};
  other.hashes_ = {0};
  other.slots_.assign(initial_slots, 0);
}

string_pool& string_pool::operator=(string_pool&& other) noexcept {
  if (this != &other) {
    strings_ = std::move(other.strings_);
    hashes_ = std::move(other.hashes_);
    slots_ = std::move(other.slots_);
    blocks_ = std::move(other.blocks_);
    block_left_ = std::exchange(other.block_left_, 0);
    block_next_ = std::exchange(other.block_next_, nullptr);
    other.strings_ = {std::string_view{}};
    other.hashes_ = {0};
    other.slots_.assign(initial_slots, 0);
  }
  return *this;
}

string_pool::~string_pool() = default;

std::string_view string_pool::store(std::string_view text) {
  if (text.size() > block_size / 4) {
    // A long value gets a block of its own rather than wasting a shared one.
    blocks_.push_back(std::make_unique<char[]>(text.size()));
    std::memcpy(blocks_.back().get(), text.data(), text.size());
    return {blocks_.back().get(), text.size()};
  }
  if (text.size() > block_left_) {
    // 1 KiB, then twice the last, up to block_size: a pool of a few ids (a
    // lookup, a small data set) does not take 64 KiB. Never smaller than the
    // text: a value up to block_size / 4 can arrive while blocks are small.
    const std::size_t growing = std::min(block_size, std::size_t{1024} << std::min<std::size_t>(blocks_.size(), 6));
    const std::size_t size = std::max(growing, text.size());
    blocks_.push_back(std::make_unique<char[]>(size));
    block_next_ = blocks_.back().get();
    block_left_ = size;
  }
  std::memcpy(block_next_, text.data(), text.size());
  std::string_view stored(block_next_, text.size());
  block_next_ += text.size();
  block_left_ -= text.size();
  return stored;
}

void string_pool::rehash(std::size_t slot_count) {
  std::vector<std::uint64_t> slots(slot_count, 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t id = 1; id < strings_.size(); ++id) {
    std::size_t i = hashes_[id] & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = slot_value(hashes_[id], id);
  }
  slots_ = std::move(slots);
}

void string_pool::reserve(std::size_t count) {
  strings_.reserve(count + 1);
  hashes_.reserve(count + 1);
  std::size_t slots = slots_.size();
  while ((count + 1) * 4 > slots * 3) slots *= 2;
  if (slots != slots_.size()) rehash(slots);
}

std::uint32_t string_pool::intern(std::string_view text) {
  if (text.empty()) return 0;
  return intern_hashed(text, text_hash(text));
}

std::uint64_t string_pool::hash(std::string_view text) noexcept { return text_hash(text); }

void string_pool::intern_all(const std::vector<std::string_view>& texts,
                             const std::vector<std::uint64_t>& hashes,
                             std::vector<std::uint32_t>& ids) {
  reserve(strings_.size() + texts.size());  // no rehash below: slot addresses stay put
  ids.resize(texts.size());
  constexpr std::size_t ahead = 16;  // enough to cover a memory round trip
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i + ahead < texts.size()) __builtin_prefetch(&slots_[hashes[i + ahead] & mask]);
    ids[i] = texts[i].empty() ? 0 : intern_hashed(texts[i], hashes[i]);
  }
}

std::uint32_t string_pool::intern_hashed(std::string_view text, std::uint64_t h) {
  std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  for (std::uint64_t slot; (slot = slots_[i]) != 0; i = (i + 1) & mask) {
    if ((slot >> 32) != fingerprint(h)) continue;
    const auto id = static_cast<std::uint32_t>(slot) - 1;
    if (strings_[id] == text) return id;
  }
  // Keep the load factor under 3/4 so that probes stay short.
  if ((strings_.size() + 1) * 4 > slots_.size() * 3) {
    rehash(slots_.size() * 2);
    mask = slots_.size() - 1;
    i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
  }
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.push_back(store(text));
  hashes_.push_back(h);
  slots_[i] = slot_value(h, id);
  return id;
}

std::optional<std::uint32_t> string_pool::find(std::string_view text) const noexcept {
  if (text.empty()) return 0u;
  const std::uint64_t h = text_hash(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask; slots_[i] != 0; i = (i + 1) & mask) {
    if ((slots_[i] >> 32) != fingerprint(h)) continue;
    const auto id = static_cast<std::uint32_t>(slots_[i]) - 1;
    if (strings_[id] == text) return id;
  }
  return std::nullopt;
}

}  // namespace icm
