// Explanations as text for a person and as JSON for a program.
#include <fmt/format.h>

#include "icm/explain.hpp"

namespace icm {

namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Decimals go to JSON as strings: a JSON number would be read as a double.
std::string json_decimal(const decimal& d) { return json_string(d.to_string()); }

}  // namespace

std::string render_explanation(const explanation& e) {
  std::string s = fmt::format("payee {}, period {} ({})\n", e.payee_id, to_string(e.when), e.currency);
  s += fmt::format("\ncredits ({}):\n", e.credits.size());
  for (const auto& c : e.credits) {
    s += fmt::format("  {} {} line {}: {} {} x share {} x weight {} x rate {} = {}{}\n", c.txn_id, to_string(c.on),
                     c.line, c.amount, c.currency, c.share, c.weight, c.rate, c.credit,
                     c.rollup ? " (rollup)" : "");
  }
  s += "\nmeasures:\n";
  for (const auto& m : e.measures) s += fmt::format("  {} ({}) = {}\n", m.name, m.scope, m.value);
  s += "\nsteps:\n";
  std::string current = "\x01";
  for (const auto& st : e.steps) {
    if (st.component != current) {
      current = st.component;
      s += fmt::format("  {}:\n", current.empty() ? "inputs" : current);
    }
    s += fmt::format("    {}: {}{}\n", st.step, st.detail,
                     st.amount ? fmt::format(" -> {}", *st.amount) : std::string());
  }
  s += "\npayout lines:\n";
  for (const auto& l : e.lines) s += fmt::format("  {:<28} {:>14} {}\n", l.component, l.amount.to_string(), l.currency);
  s += fmt::format("  {:<28} {:>14} {}\n", "total", e.total.to_string(), e.currency);
  return s;
}

std::string render_explanation_json(const explanation& e) {
  std::string s = "{\n";
  s += fmt::format("  \"payee_id\": {},\n  \"period\": {},\n  \"currency\": {},\n", json_string(e.payee_id),
                   json_string(to_string(e.when)), json_string(e.currency));
  s += "  \"credits\": [";
  for (std::size_t i = 0; i < e.credits.size(); ++i) {
    const auto& c = e.credits[i];
    s += fmt::format(
        "{}\n    {{\"txn_id\": {}, \"line\": {}, \"date\": {}, \"amount\": {}, \"currency\": {}, \"share\": {}, "
        "\"weight\": {}, \"rate\": {}, \"credit\": {}, \"rollup\": {}}}",
        i ? "," : "", json_string(c.txn_id), c.line, json_string(to_string(c.on)), json_decimal(c.amount),
        json_string(c.currency), json_decimal(c.share), json_decimal(c.weight), json_decimal(c.rate),
        json_decimal(c.credit), c.rollup ? "true" : "false");
  }
  s += e.credits.empty() ? "],\n" : "\n  ],\n";
  s += "  \"measures\": [";
  for (std::size_t i = 0; i < e.measures.size(); ++i) {
    const auto& m = e.measures[i];
    s += fmt::format("{}\n    {{\"name\": {}, \"scope\": {}, \"value\": {}}}", i ? "," : "", json_string(m.name),
                     json_string(m.scope), json_string(m.value));
  }
  s += e.measures.empty() ? "],\n" : "\n  ],\n";
  s += "  \"steps\": [";
  for (std::size_t i = 0; i < e.steps.size(); ++i) {
    const auto& st = e.steps[i];
    s += fmt::format("{}\n    {{\"kind\": {}, \"component\": {}, \"step\": {}, \"detail\": {}, \"amount\": {}}}",
                     i ? "," : "", json_string(to_string(st.kind)), json_string(st.component), json_string(st.step), json_string(st.detail),
                     st.amount ? json_decimal(*st.amount) : std::string("null"));
  }
  s += e.steps.empty() ? "],\n" : "\n  ],\n";
  s += "  \"lines\": [";
  for (std::size_t i = 0; i < e.lines.size(); ++i) {
    const auto& l = e.lines[i];
    s += fmt::format("{}\n    {{\"component\": {}, \"amount\": {}}}", i ? "," : "", json_string(l.component),
                     json_decimal(l.amount));
  }
  s += e.lines.empty() ? "],\n" : "\n  ],\n";
  s += fmt::format("  \"total\": {}\n}}\n", json_decimal(e.total));
  return s;
}

}  // namespace icm
