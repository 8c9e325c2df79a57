// syntax/grammar_def.hpp - the plan language grammar (Boost.Spirit X3).
//
// Why it looks like this: it follows X3's own examples. Rules fill the plain
// structs of ast.hpp through Fusion (no semantic actions); every rule whose
// node the checker may point at derives annotate_on_success; expectation
// points (`>`) name what was expected at the place it was missing. Only
// grammar.cpp includes this file.
//
// A few small hand-written primitives replace X3 idioms where the language
// needs more than they give: keywords with a word-boundary check and a
// readable name in messages, identifiers that exclude reserved words, number
// and string literals with length limits and precise errors ("1." and an
// unterminated string are errors at the right column, not a vague failure
// further on), and a nesting guard so that 100,000 parentheses produce an
// error instead of a stack overflow.
//
// Error recovery: the two outermost units of the file, the plan header and
// each top-level statement, share one on_error handler (recovery_handler).
// It records the diagnostic, then moves the input to the next top-level
// keyword at the start of a line and accepts, so one run reports every broken
// statement. No inner rule has a handler, so an error is reported once.
#pragma once

#include <algorithm>    // std::find
#include <array>        // reserved words
#include <string>       // attributes, messages
#include <string_view>  // keyword comparisons

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>

#include "syntax/ast.hpp"
#include "syntax/ast_adapted.hpp"
#include "syntax/config.hpp"
#include "syntax/grammar.hpp"

namespace icm::syntax::parser {

// ---- failures that carry their own message ---------------------------------

// An expectation_failure whose text is a whole message ("unterminated
// string") rather than the name of what was expected. It derives from X3's
// type so that the same on_error handler receives it.
template <typename Iterator>
struct message_failure : x3::expectation_failure<Iterator> {
  message_failure(Iterator where, std::string message, std::size_t length)
      : x3::expectation_failure<Iterator>(where, message), length(length) {}
  std::size_t length;
};

// ---- character classes (plain ASCII, no locale, no asserts on UTF-8 bytes) --

inline bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_word_char(char c) { return is_word_start(c) || is_digit(c); }

// Words that cannot name a measure, component, column or attribute. Inside an
// expression `rollup` is still a name (the built-in "this credit is overlay
// credit" flag), and so is `credit` (the credit amount, in an aggregate's
// `where`; no statement starts inside an expression, so no ambiguity);
// `quota`, `target_incentive`, `amount`, `date` and the aggregate and
// function names are ordinary names, not reserved.
inline constexpr std::array<std::string_view, 29> reserved_words = {
    "plan",       "credit",     "where", "measure", "component", "tiers",   "of",
    "by",         "from",       "to",    "pay",     "curve",     "bonus",   "when",
    "gate",       "multiplier", "cap",   "floor",   "cumulative", "columns", "attribute",
    "and",        "or",         "not",   "in",      "between",   "draw",    "until",
    "rollup"};

inline bool is_reserved(std::string_view word) {
  return std::find(reserved_words.begin(), reserved_words.end(), word) != reserved_words.end();
}

// ---- keyword ----------------------------------------------------------------

// `credit` but not `credits`. With Synthesize the keyword's spelling is the
// attribute (for `and`, `not`, `cumulative`, setting keys ...).
template <bool Synthesize>
struct keyword_parser : x3::parser<keyword_parser<Synthesize>> {
  using attribute_type = std::conditional_t<Synthesize, std::string, x3::unused_type>;
  static bool const has_attribute = Synthesize;

  constexpr explicit keyword_parser(const char* word) : word(word) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    for (const char* w = word; *w; ++w, ++it)
      if (it == last || *it != *w) return false;
    if (it != last && is_word_char(*it)) return false;
    if constexpr (Synthesize) x3::traits::move_to(std::string(word), attr);
    first = it;
    return true;
  }

  const char* word;
};

inline constexpr keyword_parser<false> kw(const char* word) { return keyword_parser<false>(word); }
inline constexpr keyword_parser<true> kw_text(const char* word) { return keyword_parser<true>(word); }

// ---- words: names, setting values -------------------------------------------

enum class word_kind {
  name,       // a declared name: not a reserved word
  reference,  // a name inside an expression: not reserved, except `rollup`
  value,      // a setting's value: any run of letters, digits and '_'
};

template <word_kind Kind>
struct word_parser : x3::parser<word_parser<Kind>> {
  using attribute_type = std::string;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    if (it == last || !(Kind == word_kind::value ? is_word_char(*it) : is_word_start(*it)))
      return false;
    while (it != last && is_word_char(*it)) ++it;
    std::string_view word(&*first, static_cast<std::size_t>(it - first));
    if (Kind == word_kind::name && is_reserved(word)) return false;
    if (Kind == word_kind::reference && word != "rollup" && word != "credit" && is_reserved(word))
      return false;
    if (word.size() > max_token_length)
      throw message_failure<Iterator>(first,
                                      "name is too long (" + std::to_string(word.size()) +
                                          " bytes, limit " + std::to_string(max_token_length) +
                                          ")",
                                      word.size());
    x3::traits::move_to(std::string(word), attr);
    first = it;
    return true;
  }
};

// ---- number text ------------------------------------------------------------

// digits [ '.' digits ], kept as text for icm::decimal. A '.' must be followed
// by a digit: "1." and "12.%" are errors at the character after the point.
struct number_text_parser : x3::parser<number_text_parser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    if (it == last || !is_digit(*it)) return false;
    while (it != last && is_digit(*it)) ++it;
    if (it != last && *it == '.') {
      ++it;
      if (it == last || !is_digit(*it))
        throw message_failure<Iterator>(it, "expected digits after the decimal point", 1);
      while (it != last && is_digit(*it)) ++it;
    }
    auto size = static_cast<std::size_t>(it - first);
    if (size > max_token_length)
      throw message_failure<Iterator>(first,
                                      "number is too long (" + std::to_string(size) +
                                          " bytes, limit " + std::to_string(max_token_length) +
                                          ")",
                                      size);
    x3::traits::move_to(std::string(first, it), attr);
    first = it;
    return true;
  }
};

// ---- string text ------------------------------------------------------------

// "..." on one line; "" inside stands for one quote. The attribute is the
// unescaped value. An unterminated string is reported at its opening quote.
struct string_text_parser : x3::parser<string_text_parser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    if (first == last || *first != '"') return false;
    Iterator it = first;
    ++it;
    std::string value;
    for (;;) {
      if (it == last || *it == '\n' || *it == '\r')
        throw message_failure<Iterator>(first,
                                        "unterminated string (a string ends with '\"' on the "
                                        "same line)",
                                        1);
      if (*it == '"') {
        Iterator next = it;
        ++next;
        if (next != last && *next == '"') {
          value += '"';
          it = ++next;
          continue;
        }
        it = next;
        break;
      }
      value += *it;
      ++it;
    }
    if (value.size() > max_token_length)
      throw message_failure<Iterator>(first,
                                      "string is too long (" + std::to_string(value.size()) +
                                          " bytes, limit " + std::to_string(max_token_length) +
                                          ")",
                                      1);
    x3::traits::move_to(std::move(value), attr);
    first = it;
    return true;
  }
};

// ---- directives ---------------------------------------------------------------

// named("'pay' after the band bounds")[kw("pay")]: the same parser, with the
// text an expectation failure reports ("expected 'pay' after the band bounds").
template <typename Subject>
struct named_directive : x3::unary_parser<Subject, named_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, named_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;

  constexpr named_directive(Subject const& subject, const char* name)
      : base_type(subject), name(name) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
             Attribute& attr) const {
    return this->subject.parse(first, last, context, rcontext, attr);
  }

  const char* name;
};

struct named_gen {
  const char* name;
  template <typename Subject>
  constexpr named_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return {x3::as_parser(subject), name};
  }
};
inline constexpr named_gen named(const char* name) { return {name}; }

// nested[p]: p one level deeper. Past max_nesting_depth the parse stops with
// an error at that place; the counter lives in parse_state (the context).
template <typename Subject>
struct nested_directive : x3::unary_parser<Subject, nested_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, nested_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;

  constexpr explicit nested_directive(Subject const& subject) : base_type(subject) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
             Attribute& attr) const {
    parse_state& state = x3::get<x3::error_handler_tag>(context).get();
    if (state.depth >= max_nesting_depth) {
      Iterator where = first;
      x3::skip_over(where, last, context);
      throw message_failure<Iterator>(
          where, "expression nested too deeply (limit " + std::to_string(max_nesting_depth) + ")",
          1);
    }
    struct level {
      int& depth;
      explicit level(int& d) : depth(d) { ++depth; }
      ~level() { --depth; }
      level(const level&) = delete;
      level& operator=(const level&) = delete;
    } guard(state.depth);
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};

struct nested_gen {
  template <typename Subject>
  constexpr nested_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return nested_directive<typename x3::extension::as_parser<Subject>::value_type>(
        x3::as_parser(subject));
  }
};
inline constexpr nested_gen nested{};

}  // namespace icm::syntax::parser

// Names that expectation failures report for the primitives above.
namespace boost::spirit::x3 {
template <bool Synthesize>
struct get_info<icm::syntax::parser::keyword_parser<Synthesize>> {
  using result_type = std::string;
  std::string operator()(icm::syntax::parser::keyword_parser<Synthesize> const& p) const {
    return std::string("'") + p.word + "'";
  }
};
template <typename Subject>
struct get_info<icm::syntax::parser::named_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(icm::syntax::parser::named_directive<Subject> const& p) const {
    return p.name;
  }
};
template <typename Subject>
struct get_info<icm::syntax::parser::nested_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(icm::syntax::parser::nested_directive<Subject> const& p) const {
    return x3::what(p.subject);
  }
};
}  // namespace boost::spirit::x3

namespace icm::syntax::parser {

// ---- error recovery -----------------------------------------------------------

// Where parsing resumes after an error: the next line whose first word is a
// top-level keyword, at or after `from`.
inline iterator_type next_statement(iterator_type from, iterator_type begin, iterator_type end) {
  static constexpr std::array<std::string_view, 5> keywords = {"credit", "measure", "component",
                                                               "columns", "attribute"};
  // Back up to the start of from's line, so that `from` itself may qualify.
  iterator_type line = from;
  while (line != begin && line[-1] != '\n') --line;
  while (line != end) {
    iterator_type word = line;
    while (word != end && (*word == ' ' || *word == '\t' || *word == '\r')) ++word;
    if (word >= from) {
      for (auto k : keywords) {
        auto size = static_cast<std::size_t>(end - word);
        if (size >= k.size() && std::string_view(word, k.size()) == k &&
            (size == k.size() || !is_word_char(word[k.size()])))
          return word;
      }
    }
    while (line != end && *line != '\n') ++line;
    if (line != end) ++line;
  }
  return end;
}

// "'measure'", "end of file": what the parser found where it expected more.
inline std::string found_text(iterator_type where, iterator_type end, std::size_t& length) {
  if (where == end) {
    length = 1;
    return "end of file";
  }
  iterator_type it = where;
  if (is_word_char(*it)) {
    while (it != end && is_word_char(*it) && it - where < 40) ++it;
  } else {
    ++it;
  }
  length = static_cast<std::size_t>(it - where);
  std::string token(where, it);
  auto c = static_cast<unsigned char>(token[0]);
  if (c < 0x20 || c >= 0x7f) {
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
  }
  return "'" + token + "'";
}

struct recovery_handler {
  template <typename Iterator, typename Exception, typename Context>
  x3::error_handler_result on_error(Iterator& first, Iterator const& last, Exception const& x,
                                    Context const& context) {
    parse_state& state = x3::get<x3::error_handler_tag>(context).get();
    Iterator where = skip_blanks(x.where(), last);
    if (auto* full = dynamic_cast<const message_failure<Iterator>*>(&x)) {
      where = x.where();  // already exact: "1." points after the '.'
      state.error(where, full->length, x.which());
    } else {
      std::size_t length = 1;
      std::string found = found_text(where, last, length);
      state.error(where, length, "expected " + x.which() + ", found " + found);
    }
    if (state.too_many_errors()) {
      first = last;
    } else {
      // Resume at a later statement; strictly after the failed one's start so
      // that the parse always moves forward.
      Iterator start = skip_blanks(first, last);
      Iterator from = where > start ? where : (start == last ? last : start + 1);
      first = next_statement(from, state.begin(), last);
    }
    return x3::error_handler_result::accept;
  }
};

// ---- rule declarations --------------------------------------------------------

// Rules whose node the checker points at derive annotate_on_success.
#define ICM_SYNTAX_RULE(name, attribute, description)                  \
  struct name##_class : x3::annotate_on_success {};                    \
  x3::rule<name##_class, attribute> const name = description;
#define ICM_SYNTAX_PLAIN_RULE(name, attribute, description) \
  struct name##_class {};                                   \
  x3::rule<name##_class, attribute> const name = description;

// expressions
ICM_SYNTAX_RULE(identifier, ast::identifier, "a name")
ICM_SYNTAX_RULE(name_ref, ast::name_ref, "a name")
ICM_SYNTAX_RULE(number, ast::number_literal, "a number")
ICM_SYNTAX_RULE(percent, ast::percent_literal, "a percentage")
ICM_SYNTAX_RULE(money, ast::money_literal, "an amount of money")
ICM_SYNTAX_RULE(string_literal, ast::string_literal, "a string in quotes (\"...\")")
ICM_SYNTAX_RULE(date, ast::date_literal, "a date")
ICM_SYNTAX_RULE(period, ast::period_literal, "a period (2026-Q2, 2026-03 or 2026)")
ICM_SYNTAX_RULE(aggregate, ast::aggregate, "an aggregate")
ICM_SYNTAX_RULE(call, ast::call, "a function call")
ICM_SYNTAX_PLAIN_RULE(primary, ast::operand, "an expression")
ICM_SYNTAX_PLAIN_RULE(negation, ast::operand, "an expression")
ICM_SYNTAX_RULE(unary_minus, ast::unary, "an expression")
ICM_SYNTAX_RULE(multiplicative, ast::binary_chain, "an expression")
ICM_SYNTAX_RULE(multiplicative_operation, ast::operation, "an operator")
ICM_SYNTAX_RULE(additive, ast::binary_chain, "an expression")
ICM_SYNTAX_RULE(additive_operation, ast::operation, "an operator")
ICM_SYNTAX_RULE(list, ast::list_operand, "a list in parentheses")
ICM_SYNTAX_RULE(range, ast::range_operand, "a range ('LOW and HIGH')")
ICM_SYNTAX_RULE(compare_operation, ast::operation, "a comparison")
ICM_SYNTAX_RULE(in_operation, ast::operation, "'in'")
ICM_SYNTAX_RULE(between_operation, ast::operation, "'between'")
ICM_SYNTAX_PLAIN_RULE(comparison_operation, ast::operation, "a comparison")
ICM_SYNTAX_RULE(comparison, ast::binary_chain, "an expression")
ICM_SYNTAX_PLAIN_RULE(negated, ast::operand, "an expression")
ICM_SYNTAX_RULE(unary_not, ast::unary, "an expression")
ICM_SYNTAX_RULE(conjunction, ast::binary_chain, "an expression")
ICM_SYNTAX_RULE(and_operation, ast::operation, "'and'")
ICM_SYNTAX_RULE(or_operation, ast::operation, "'or'")
ICM_SYNTAX_RULE(expression, ast::expression, "an expression")

// header
ICM_SYNTAX_RULE(setting, ast::setting, "a plan setting")
ICM_SYNTAX_RULE(plan_cap, ast::plan_cap, "'cap'")
ICM_SYNTAX_RULE(draw_setting, ast::draw_setting, "'draw'")
ICM_SYNTAX_PLAIN_RULE(header_item, ast::header_item, "a plan setting")
ICM_SYNTAX_RULE(plan_header, ast::plan_header, "'plan'")

// statements
ICM_SYNTAX_RULE(columns_decl, ast::columns_decl, "'columns'")
ICM_SYNTAX_RULE(attribute_type, ast::identifier,
                "a type (money, ratio, number, count, text or date)")
ICM_SYNTAX_RULE(attribute_decl, ast::attribute_decl, "'attribute'")
ICM_SYNTAX_RULE(credit_rule, ast::credit_rule, "'credit'")
ICM_SYNTAX_RULE(measure_def, ast::measure_def, "'measure'")
ICM_SYNTAX_RULE(pay_formula, ast::pay_formula, "'pay'")
ICM_SYNTAX_RULE(tier_kind, ast::identifier, "'marginal' or 'retroactive'")
ICM_SYNTAX_RULE(tier_band, ast::tier_band, "a tier band ('from LOWER [to UPPER] pay RATE')")
ICM_SYNTAX_RULE(tier_table, ast::tier_table, "'tiers'")
ICM_SYNTAX_RULE(curve_point, ast::curve_point, "a curve point ('X -> Y')")
ICM_SYNTAX_RULE(payout_curve, ast::payout_curve, "'curve'")
ICM_SYNTAX_RULE(bonus_formula, ast::bonus_formula, "'bonus'")
ICM_SYNTAX_PLAIN_RULE(formula, ast::formula, "a formula ('pay', 'tiers', 'curve' or 'bonus')")
ICM_SYNTAX_RULE(gate_modifier, ast::gate_modifier, "'gate'")
ICM_SYNTAX_RULE(multiplier_modifier, ast::multiplier_modifier, "'multiplier'")
ICM_SYNTAX_RULE(cap_modifier, ast::cap_modifier, "'cap'")
ICM_SYNTAX_RULE(floor_modifier, ast::floor_modifier, "'floor'")
ICM_SYNTAX_PLAIN_RULE(modifier, ast::modifier, "a modifier")
ICM_SYNTAX_RULE(component_def, ast::component_def, "'component'")
ICM_SYNTAX_PLAIN_RULE(statement, ast::statement,
                      "a statement ('credit', 'measure', 'component', 'columns' or 'attribute')")

#undef ICM_SYNTAX_RULE
#undef ICM_SYNTAX_PLAIN_RULE

// The two recovery units and the whole file.
struct header_unit_class : recovery_handler {};
x3::rule<header_unit_class, ast::plan_header> const header_unit = "the plan header";
struct top_level_statement_class : recovery_handler {};
x3::rule<top_level_statement_class, ast::statement> const top_level_statement = "a statement";
struct plan_file_class {};
plan_file_type const plan_file = "a plan";

// ---- lexical pieces -------------------------------------------------------------

inline constexpr word_parser<word_kind::name> name_word{};
inline constexpr word_parser<word_kind::reference> reference_word{};
inline constexpr word_parser<word_kind::value> value_word{};
inline constexpr number_text_parser number_text{};
inline constexpr string_text_parser string_text{};

auto const word_boundary = !(x3::ascii::alnum | x3::lit('_'));
auto const currency_code = x3::lexeme[x3::repeat(3)[x3::ascii::upper] >> word_boundary];
auto const date_text = x3::raw[x3::lexeme[x3::repeat(4)[x3::ascii::digit] >> '-' >>
                                          x3::repeat(2)[x3::ascii::digit] >> '-' >>
                                          x3::repeat(2)[x3::ascii::digit] >> word_boundary]];
auto const period_text = x3::raw[x3::lexeme[
    x3::repeat(4)[x3::ascii::digit] >>
    -('-' >> (('Q' >> x3::char_("1-4")) | x3::repeat(2)[x3::ascii::digit])) >> word_boundary]];

// ---- expressions ------------------------------------------------------------------

auto const identifier_def = name_word;
auto const name_ref_def = reference_word;
auto const number_def = number_text;
auto const percent_def = x3::lexeme[number_text >> '%'];
auto const money_def = number_text >> currency_code;
auto const string_literal_def = string_text;
auto const date_def = date_text;
auto const period_def = period_text;

auto const aggregate_function =
    kw_text("sum") | kw_text("count") | kw_text("min") | kw_text("max") | kw_text("avg");
// Backtracks until `credit`: `min(a, b)` is then a call.
auto const aggregate_def = (aggregate_function >> '(' >> kw("credit")) >
                           -(kw("where") > expression) > named("')' to close the aggregate")[')'];
auto const call_def = (identifier >> '(') > -(expression % ',') >
                      named("',' or ')' after the argument")[')'];

auto const primary_def = date | percent | money | number | string_literal | aggregate | call |
                         name_ref | ('(' > expression > named("')'")[')']);

auto const unary_minus_def = x3::string("-") > nested[negation];
auto const negation_def = unary_minus | primary;

auto const multiplicative_op = x3::string("*") | x3::string("/");
auto const multiplicative_operation_def = multiplicative_op > negation;
auto const multiplicative_def = negation >> *multiplicative_operation;

// '-' followed by '>' is the arrow of a curve point, not a minus.
auto const additive_op = x3::string("+") | (x3::string("-") >> !x3::lit('>'));
auto const additive_operation_def = additive_op > multiplicative;
auto const additive_def = multiplicative >> *additive_operation;

auto const compare_op = x3::string("==") | x3::string("!=") | x3::string("<=") |
                        x3::string(">=") | x3::string("<") | x3::string(">");
auto const list_def = '(' > named("a list item")[expression % ','] > named("',' or ')' in the list")[')'];
auto const range_def = additive > named("'and' between the two bounds")[kw("and")] > additive;
auto const compare_operation_def = compare_op > additive;
auto const in_operation_def =
    ((kw("not") >> kw("in") >> x3::attr(std::string("not in"))) | kw_text("in")) > list;
auto const between_operation_def = kw_text("between") > range;
auto const comparison_operation_def = compare_operation | in_operation | between_operation;
// At most one comparison per chain: a < b < c is an error, not a chain.
auto const comparison_def = additive >> -comparison_operation;

auto const unary_not_def = kw_text("not") > nested[negated];
auto const negated_def = unary_not | comparison;
auto const and_operation_def = kw_text("and") > negated;
auto const conjunction_def = negated >> *and_operation;
auto const or_operation_def = kw_text("or") > conjunction;
auto const expression_def = nested[conjunction >> *or_operation];

// ---- header -------------------------------------------------------------------------

auto const setting_key = kw_text("currency") | kw_text("period") | kw_text("year") |
                         kw_text("precision") | kw_text("rounding") |
                         kw_text("negative_totals") | kw_text("rollup") | kw_text("prorate");
auto const setting_def = setting_key > named("a value for the setting")[value_word];
auto const plan_cap_def = kw("cap") > expression;
auto const draw_kind = named("'recoverable' or 'guarantee'")[kw_text("recoverable") |
                                                           kw_text("guarantee")];
auto const draw_setting_def = kw("draw") > draw_kind > expression > -(kw("until") > period);
auto const header_item_def = setting | plan_cap | draw_setting;
auto const plan_header_def =
    kw("plan") > named("the plan's name in quotes")[string_literal] >
    named("'{' after the plan's name")['{'] > *header_item >
    named("a plan setting (currency, period, year, precision, rounding, negative_totals, "
          "rollup, prorate, cap, draw) or '}'")['}'];
auto const header_unit_def = x3::expect[plan_header];

// ---- statements ----------------------------------------------------------------------

auto const columns_decl_def = kw("columns") > named("a column name")[identifier % ','];
auto const attribute_type_def = name_word;
auto const attribute_decl_def = kw("attribute") > identifier > attribute_type;
auto const credit_rule_def = kw("credit") > expression > -(kw("where") > expression);
auto const measure_def_def = kw("measure") > identifier > named("'=' after the measure's name")['='] >
                             expression;

auto const pay_formula_def = kw("pay") > expression;
auto const tier_kind_def = kw_text("marginal") | kw_text("retroactive");
auto const tier_band_def = kw("from") > expression > -(kw("to") > expression) >
                           named("'pay' after the band bounds")[kw("pay")] > expression;
auto const tier_table_def = kw("tiers") > tier_kind > named("'of' and the tier base")[kw("of")] >
                            expression > -(kw("by") > expression) >
                            named("'{' to open the tier bands")['{'] >
                            named("a tier band ('from LOWER [to UPPER] pay RATE')")[+tier_band] >
                            named("another band ('from ...') or '}'")['}'];
auto const curve_point_def = expression > named("'->' between x and y")[x3::lit("->")] > expression;
auto const payout_curve_def = kw("curve") > named("'of' and the curve base")[kw("of")] >
                              expression > named("'by' and the curve driver")[kw("by")] >
                              expression > named("'{' to open the curve points")['{'] >
                              named("a curve point ('X -> Y')")[+curve_point] >
                              named("another point ('X -> Y') or '}'")['}'];
auto const bonus_formula_def = kw("bonus") > expression >
                               named("'when' and the bonus condition")[kw("when")] > expression;
auto const formula_def = pay_formula | tier_table | payout_curve | bonus_formula;

auto const gate_modifier_def = kw("gate") > named("'when' after 'gate'")[kw("when")] > expression;
auto const multiplier_modifier_def = kw("multiplier") > expression > -(kw("when") > expression);
auto const cap_modifier_def = kw("cap") > expression;
auto const floor_modifier_def = kw("floor") > expression;
auto const modifier_def = gate_modifier | multiplier_modifier | cap_modifier | floor_modifier;

auto const component_def_def =
    kw("component") > identifier > -kw_text("cumulative") >
    named("'{' after the component's name")['{'] > formula > *modifier >
    named("a modifier ('gate', 'multiplier', 'cap', 'floor') or '}' to close the component")['}'];

auto const statement_def =
    columns_decl | attribute_decl | credit_rule | measure_def | component_def;
auto const top_level_statement_def = !x3::eoi >> x3::expect[statement];
auto const plan_file_def = header_unit >> *top_level_statement >> x3::eoi;

BOOST_SPIRIT_DEFINE(identifier, name_ref, number, percent, money, string_literal, date, period,
                    aggregate, call, primary, negation, unary_minus, multiplicative,
                    multiplicative_operation, additive, additive_operation, list, range,
                    compare_operation, in_operation, between_operation, comparison_operation,
                    comparison, negated, unary_not, conjunction, and_operation, or_operation,
                    expression)
BOOST_SPIRIT_DEFINE(setting, plan_cap, draw_setting, header_item, plan_header, header_unit)
BOOST_SPIRIT_DEFINE(columns_decl, attribute_type, attribute_decl, credit_rule, measure_def,
                    pay_formula, tier_kind, tier_band, tier_table, curve_point, payout_curve,
                    bonus_formula, formula, gate_modifier, multiplier_modifier, cap_modifier,
                    floor_modifier, modifier, component_def, statement, top_level_statement,
                    plan_file)

}  // namespace icm::syntax::parser

