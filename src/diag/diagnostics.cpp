// Diagnostics as values, and their Clang-style rendering.
#include "icm/diagnostics.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace icm {

namespace {
std::string_view level_name(severity s) {
  switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::note: return "note";
  }
  return "error";
}

// The text of 1-based line `line` of `source`, without its line break.
std::string_view source_line(std::string_view source, std::uint32_t line) {
  std::size_t begin = 0;
  for (std::uint32_t n = 1; n < line; ++n) {
    auto nl = source.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  auto end = source.find('\n', begin);
  auto text = source.substr(begin, end == std::string_view::npos ? source.size() - begin : end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}
}  // namespace

std::string diagnostic::headline() const {
  std::string place;
  if (where.line > 0) {
    place = fmt::format("{}:{}:{}", where.file, where.line, where.column);
  } else if (!where.file.empty()) {
    place = where.file;
  }
  if (!payee.empty()) {
    auto who = period.empty() ? fmt::format("payee {}", payee)
                              : fmt::format("payee {}, period {}", payee, period);
    place = place.empty() ? who : fmt::format("{}: {}", place, who);
  }
  if (place.empty()) return fmt::format("{}: {}", level_name(level), message);
  return fmt::format("{}: {}: {}", place, level_name(level), message);
}

void diagnostics::error(source_location where, std::string message) {
  add({severity::error, std::move(where), {}, {}, std::move(message)});
}
void diagnostics::warning(source_location where, std::string message) {
  add({severity::warning, std::move(where), {}, {}, std::move(message)});
}
void diagnostics::payee_error(std::string payee, std::string period, std::string message) {
  add({severity::error, {}, std::move(payee), std::move(period), std::move(message)});
}

bool diagnostics::has_errors() const noexcept { return error_count() > 0; }
std::size_t diagnostics::error_count() const noexcept {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [](const diagnostic& d) { return d.level == severity::error; }));
}

std::string render(const diagnostic& d, std::string_view source) {
  std::string out = d.headline();
  out += '\n';
  if (d.where.line == 0 || source.empty()) return out;
  auto line = source_line(source, d.where.line);
  if (line.empty() && d.where.column > 1) return out;
  // Tabs keep their width in the caret line so that the caret lines up.
  std::string caret;
  for (std::uint32_t i = 1; i < d.where.column && i - 1 < line.size(); ++i)
    caret += line[i - 1] == '\t' ? '\t' : ' ';
  caret += '^';
  auto room = line.size() >= d.where.column ? line.size() - d.where.column + 1 : 1;
  auto len = std::min<std::size_t>(std::max<std::uint32_t>(d.where.length, 1), std::max<std::size_t>(room, 1));
  if (len > 1) caret.append(len - 1, '~');
  out += fmt::format("  {}\n  {}\n", line, caret);
  return out;
}

std::string render(const diagnostics& ds, std::string_view source) {
  std::string out;
  for (const auto& d : ds) out += render(d, source);
  return out;
}

error::error(icm::diagnostics ds) : diags_(std::move(ds)) {
  for (const auto& d : diags_) {
    if (!text_.empty()) text_ += '\n';
    text_ += d.headline();
  }
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  // Levenshtein distance; a candidate is plausible within a third of the
  // name's length (at least 1, at most 3 edits).
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  const std::size_t limit = std::clamp<std::size_t>(name.size() / 3, 1, 3);
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    auto dd = distance(name, c);
    if (dd < best_d) {
      best_d = dd;
      best = c;
    }
  }
  return best;
}

}  // namespace icm
