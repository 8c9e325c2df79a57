// The RFC 4180 tokenizer. The hot loop is the unquoted-field scan: a table
// lookup per byte until a comma, line break or quote; quoted fields jump from
// quote to quote with memchr.
#include "icm/io/csv.hpp"

#include <algorithm>  // std::min
#include <array>      // byte class table
#include <cstring>    // memchr

#include <fmt/format.h>

namespace icm::csv {

namespace {

// Bytes that end an unquoted field or need a closer look.
constexpr std::array<bool, 256> special_bytes = [] {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  t[static_cast<unsigned char>('"')] = true;
  return t;
}();

// A header wider than this is refused rather than stored (a binary file, or
// a 1 GiB line of commas, would otherwise become a billion empty fields).
constexpr std::uint32_t max_header_fields = 1u << 16;

std::uint32_t clamp32(std::size_t n) noexcept {
  return static_cast<std::uint32_t>(std::min<std::size_t>(n, 0xffffffffu));
}

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", u);
}

}  // namespace

reader::reader(std::string_view buffer, options opts) noexcept
    : buf_(buffer), opts_(opts), expected_(opts.expected_fields) {
  if (opts.at_file_start && buf_.size() >= 3 && buf_.substr(0, 3) == "\xEF\xBB\xBF") {
    pos_ = 3;
    line_start_ = 3;  // the byte order mark is invisible in editors: do not count it
  }
}

status reader::fail(std::uint32_t line, std::uint32_t column, std::uint32_t length,
                    std::string message, bool fatal) {
  error_ = {line, column, std::max<std::uint32_t>(length, 1), std::move(message), fatal};
  if (fatal) done_ = true;
  return status::error;
}

void reader::skip_to_next_line() noexcept {
  const void* nl = pos_ < buf_.size() ? std::memchr(buf_.data() + pos_, '\n', buf_.size() - pos_)
                                      : nullptr;
  if (nl == nullptr) {
    pos_ = buf_.size();
    return;
  }
  pos_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
  ++line_;
  line_start_ = pos_;
}

status reader::read_header(record& out) {
  const bool nothing = pos_ >= buf_.size();
  const status s = read_record(out);
  if (s == status::end) {
    return fail(1, 1, 1,
                nothing ? "empty file: expected a header row"
                        : "empty file: only blank lines, expected a header row",
                true);
  }
  if (s == status::record) expected_ = static_cast<std::uint32_t>(out.size());
  return s;
}

status reader::next(record& out) {
  const status s = read_record(out);
  if (s != status::record || expected_ == 0 || found_ == expected_) return s;
  if (found_ > expected_) {
    const field& extra = out.fields_[expected_];
    return fail(extra.line, extra.column, extra.length,
                fmt::format("expected {} fields, found {}", expected_, found_), false);
  }
  return fail(end_line_, end_column_, 1,
              fmt::format("expected {} fields, found {}", expected_, found_), false);
}

status reader::read_record(record& out) {
  out.fields_.clear();
  out.unescaped_.clear();
  out.scratch_.clear();
  found_ = 0;
  if (done_) return status::end;

  const char* const b = buf_.data();
  const std::size_t n = buf_.size();
  const std::size_t max = opts_.max_field_length;

  // Blank lines carry no record.
  while (pos_ < n) {
    if (b[pos_] == '\n') {
      ++pos_;
    } else if (b[pos_] == '\r' && pos_ + 1 < n && b[pos_ + 1] == '\n') {
      pos_ += 2;
    } else {
      break;
    }
    ++line_;
    line_start_ = pos_;
  }
  if (pos_ >= n) {
    done_ = true;
    return status::end;
  }

  out.line_ = line_;
  // Store at most one field beyond the header's count: enough to point at it.
  const std::uint32_t keep = expected_ != 0 ? expected_ + 1 : max_header_fields;
  for (;;) {
    field f;
    f.line = line_;
    f.column = column_at(pos_);
    if (pos_ < n && b[pos_] == '"') {
      const std::size_t open = pos_;
      // The closing quote of a field of `max` bytes sits at open + 1 + max.
      const std::size_t limit = std::min(n, open + 2 + max);
      std::size_t p = open + 1;
      std::size_t close = 0;
      bool doubled = false;
      for (;;) {
        const void* q = p < limit ? std::memchr(b + p, '"', limit - p) : nullptr;
        if (q == nullptr) {
          if (limit < n) {
            return fail(f.line, f.column, 1,
                        fmt::format("field too long: more than {} bytes (is a closing quote "
                                    "missing?)",
                                    max),
                        true);
          }
          return fail(f.line, f.column, 1,
                      "unbalanced quote: this quoted field has no closing quote", true);
        }
        const auto at = static_cast<std::size_t>(static_cast<const char*>(q) - b);
        if (at + 1 < n && b[at + 1] == '"') {
          doubled = true;
          p = at + 2;
          continue;
        }
        close = at;
        break;
      }
      f.quoted = true;
      f.length = clamp32(close - open + 1);
      // A field past `keep` is not stored (the record is an error anyway), so
      // it must not leave an unescaped entry pointing past fields_.
      if (doubled && out.fields_.size() < keep) {
        const auto offset = static_cast<std::uint32_t>(out.scratch_.size());
        for (std::size_t i = open + 1; i < close; ++i) {
          out.scratch_.push_back(b[i]);
          if (b[i] == '"') ++i;  // the second quote of a pair
        }
        out.unescaped_.push_back({static_cast<std::uint32_t>(out.fields_.size()), offset,
                                  static_cast<std::uint32_t>(out.scratch_.size() - offset)});
      } else {
        f.text = std::string_view(b + open + 1, close - open - 1);
      }
      // Line breaks inside the quotes belong to the field; keep counting lines.
      for (std::size_t i = open + 1; i < close;) {
        const void* nl = std::memchr(b + i, '\n', close - i);
        if (nl == nullptr) break;
        i = static_cast<std::size_t>(static_cast<const char*>(nl) - b) + 1;
        ++line_;
        line_start_ = i;
      }
      pos_ = close + 1;
      if (pos_ < n && b[pos_] != ',' && b[pos_] != '\n' &&
          !(b[pos_] == '\r' && pos_ + 1 < n && b[pos_ + 1] == '\n')) {
        const std::uint32_t line = line_, column = column_at(pos_);
        const std::string what = printable(b[pos_]);
        skip_to_next_line();
        return fail(line, column, 1,
                    fmt::format("unexpected {} after the closing quote of a field (a quote "
                                "inside a quoted field is written \"\")",
                                what),
                    false);
      }
    } else {
      const std::size_t limit = std::min(n, pos_ + max + 1);
      std::size_t p = pos_;
      while (p < limit && !special_bytes[static_cast<unsigned char>(b[p])]) ++p;
      if (p - pos_ > max) {
        return fail(f.line, f.column, 1, fmt::format("field too long: more than {} bytes", max),
                    true);
      }
      if (p < n && b[p] == '"') {
        const std::uint32_t line = line_, column = column_at(p);
        skip_to_next_line();
        return fail(line, column, 1,
                    "unexpected '\"' in an unquoted field (quote the whole field and write the "
                    "quote twice: \"a\"\"b\")",
                    false);
      }
      if (p < n && b[p] == '\r' && !(p + 1 < n && b[p + 1] == '\n')) {
        const std::uint32_t line = line_, column = column_at(p);
        skip_to_next_line();
        return fail(line, column, 1, "carriage return not followed by a line feed", false);
      }
      f.text = std::string_view(b + pos_, p - pos_);
      f.length = clamp32(std::max<std::size_t>(p - pos_, 1));
      pos_ = p;
    }

    // pos_ is now at a comma, a line break or the end of the buffer.
    ++found_;
    if (out.fields_.size() < keep) {
      out.fields_.push_back(f);
    } else if (expected_ == 0) {
      return fail(f.line, f.column, 1,
                  fmt::format("too many columns: more than {}", max_header_fields), true);
    }
    if (pos_ < n && b[pos_] == ',') {
      ++pos_;
      continue;
    }
    end_line_ = line_;
    end_column_ = column_at(pos_);
    if (pos_ < n) {
      pos_ += b[pos_] == '\r' ? 2 : 1;
      ++line_;
      line_start_ = pos_;
    }
    break;
  }
  for (const auto& u : out.unescaped_)
    out.fields_[u.field].text = std::string_view(out.scratch_.data() + u.offset, u.size);
  return status::record;
}

}  // namespace icm::csv
