// string_pool: an open-addressing hash set over strings stored in blocks.
//
// Why not unordered_map<string, id>: a node and a std::string per distinct
// value, and a hash of a temporary on every lookup. Here a lookup hashes the
// view once, probes a flat array of ids and compares against the stored hash
// first; the bytes live in 64 KiB blocks that never move.
#include <cstring>  // memcpy
#include <utility>  // std::exchange

#include "icm/data.hpp"

namespace icm {

namespace {
constexpr std::size_t block_size = 64 * 1024;
constexpr std::size_t initial_slots = 1024;  // a power of two
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
    blocks_.push_back(std::make_unique<char[]>(block_size));
    block_next_ = blocks_.back().get();
    block_left_ = block_size;
  }
  std::memcpy(block_next_, text.data(), text.size());
  std::string_view stored(block_next_, text.size());
  block_next_ += text.size();
  block_left_ -= text.size();
  return stored;
}

void string_pool::grow() {
  std::vector<std::uint32_t> slots(slots_.size() * 2, 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t id = 1; id < strings_.size(); ++id) {
    std::size_t i = hashes_[id] & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }
  slots_ = std::move(slots);
}

std::uint32_t string_pool::intern(std::string_view text) {
  if (text.empty()) return 0;
  const std::size_t h = string_hash{}(text);
  std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  while (slots_[i] != 0) {
    const std::uint32_t id = slots_[i] - 1;
    if (hashes_[id] == h && strings_[id] == text) return id;
    i = (i + 1) & mask;
  }
  // Keep the load factor under 3/4 so that probes stay short.
  if ((strings_.size() + 1) * 4 > slots_.size() * 3) {
    grow();
    mask = slots_.size() - 1;
    i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
  }
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.push_back(store(text));
  hashes_.push_back(h);
  slots_[i] = id + 1;
  return id;
}

std::optional<std::uint32_t> string_pool::find(std::string_view text) const noexcept {
  if (text.empty()) return 0u;
  const std::size_t h = string_hash{}(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask; slots_[i] != 0; i = (i + 1) & mask) {
    const std::uint32_t id = slots_[i] - 1;
    if (hashes_[id] == h && strings_[id] == text) return id;
  }
  return std::nullopt;
}

}  // namespace icm
