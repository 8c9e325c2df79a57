// The plan parser: AST shapes for every construct of the language, and
// syntax errors with their message, line and column.
#include "syntax/parse.hpp"

#include <chrono>
#include <string>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

namespace ast = icm::syntax::ast;
using icm::syntax::parse_plan;

namespace {

// ---- a compact rendering of expressions, so that shape assertions read well:
// `a + b * c` is "(+ a (* b c))"; a chain with no operator is its operand.
std::string sx(const ast::operand& o);

std::string sx(const ast::binary_chain& c) {
  std::string out = sx(c.first);
  for (const auto& op : c.rest) out = "(" + op.op + " " + out + " " + sx(op.rhs) + ")";
  return out;
}

struct sx_visitor {
  using result_type = std::string;
  std::string operator()(const ast::number_literal& n) const { return n.text; }
  std::string operator()(const ast::percent_literal& p) const { return p.text + "%"; }
  std::string operator()(const ast::money_literal& m) const { return m.text + " " + m.currency; }
  std::string operator()(const ast::string_literal& s) const { return "\"" + s.value + "\""; }
  std::string operator()(const ast::date_literal& d) const { return d.text; }
  std::string operator()(const ast::name_ref& n) const { return n.name; }
  std::string operator()(const ast::call& c) const {
    std::string out = c.function.name + "(";
    for (std::size_t i = 0; i < c.args.size(); ++i) out += (i ? ", " : "") + sx(c.args[i]);
    return out + ")";
  }
  std::string operator()(const ast::aggregate& a) const {
    return a.function + "(credit" + (a.filter ? " where " + sx(*a.filter) : "") + ")";
  }
  std::string operator()(const ast::unary& u) const { return "(" + u.op + " " + sx(u.rhs) + ")"; }
  std::string operator()(const ast::binary_chain& c) const { return sx(c); }
  std::string operator()(const ast::list_operand& l) const {
    std::string out = "[";
    for (std::size_t i = 0; i < l.items.size(); ++i) out += (i ? ", " : "") + sx(l.items[i]);
    return out + "]";
  }
  std::string operator()(const ast::range_operand& r) const {
    return "[" + sx(r.low) + " .. " + sx(r.high) + "]";
  }
  template <typename T>
  std::string operator()(const boost::spirit::x3::forward_ast<T>& f) const {
    return (*this)(f.get());
  }
};

std::string sx(const ast::operand& o) { return boost::apply_visitor(sx_visitor{}, o); }

template <typename T, typename Variant>
const T& as(const Variant& v) {
  const T* p = boost::get<T>(&v);
  if (!p) throw std::runtime_error("unexpected alternative");
  return *p;
}

const std::string reference_plan = R"icm(# A comment runs from '#' to the end of the line.
plan "Reference plan (marginal)" {
  currency USD            # plan currency (ISO 4217 code)
  period quarter          # month | quarter | year
  year 2026               # plan year
  precision 10            # digits kept by divisions (default 16)
  rounding half_even      # half_even | half_up | half_down | down | up | floor | ceiling
  negative_totals carry   # carry (default) | pay
  rollup 1                # manager overlay credit up the manager chain, this many levels
  prorate quotas          # prorate quotas by active days of employment
  cap 10000.00 USD        # plan-level cap on the sum of components per period (any expression)
  draw recoverable 3000.00 USD until 2026-Q2   # or: draw guarantee 3000.00 USD  (until is optional)
}

columns product, region, deal_type     # transaction columns the plan reads
attribute tenure_years number          # a payee attribute (payees.csv column) and its type

credit 100% where product in ("saas", "services")
credit 50% where product == "hardware" and date between 2026-01-01 and 2026-12-31
credit 100%                             # no where: matches everything left

measure credited = sum(credit)
measure saas = sum(credit where product == "saas" and not rollup)
measure deals = count(credit where amount > 0)
measure attainment = credited / quota
measure pipeline_attainment = credited / quota("pipeline")

component commission {
  tiers marginal of credited by attainment {
    from 0%   to 50%  pay 2%
    from 50%  to 100% pay 8%
    from 100% to 150% pay 12%
    from 150%         pay 15%
  }
  floor 0
  cap 3 * target_incentive
}

component quota_club {
  bonus 5000.00 USD when attainment >= 100%
}

component sdr_curve cumulative {
  curve of target_incentive by attainment {
    50% -> 0%
    100% -> 100%
    150% -> 200%
  }
  gate when deals >= 3
  multiplier 1.5 when region == "EMEA"
}

component spiff {
  pay round(saas * 2.5%, 0.05, half_up)
}
)icm";

const std::string header = "plan \"P\" { currency USD }\n";

// Parses a plan that must be valid; fails the test with the diagnostics if not.
icm::syntax::parsed_plan parse_ok(const std::string& text) {
  icm::diagnostics diags;
  auto parsed = parse_plan(text, "t.icm", diags);
  EXPECT_TRUE(parsed.has_value()) << icm::render(diags, text);
  EXPECT_TRUE(diags.empty()) << icm::render(diags, text);
  if (!parsed) throw std::runtime_error("parse failed");
  return std::move(*parsed);
}

// The expression of `measure m = EXPR` in a minimal plan.
std::string expr(const std::string& text) {
  auto parsed = parse_ok(header + "measure m = " + text + "\n");
  return sx(as<ast::measure_def>(parsed.plan().statements.at(0)).value);
}

// Parses a plan that must fail; returns its diagnostics.
icm::diagnostics parse_bad(const std::string& text) {
  icm::diagnostics diags;
  auto parsed = parse_plan(text, "bad.icm", diags);
  EXPECT_FALSE(parsed.has_value());
  EXPECT_TRUE(diags.has_errors());
  return diags;
}

}  // namespace

// ---- the reference plan ---------------------------------------------------------

TEST(Syntax, ReferencePlanHeader) {
  auto parsed = parse_ok(reference_plan);
  const auto& h = parsed.plan().header;
  EXPECT_EQ(h.name.value, "Reference plan (marginal)");
  ASSERT_EQ(h.items.size(), 10u);
  const std::pair<const char*, const char*> settings[] = {
      {"currency", "USD"},  {"period", "quarter"},      {"year", "2026"},
      {"precision", "10"},  {"rounding", "half_even"},  {"negative_totals", "carry"},
      {"rollup", "1"},      {"prorate", "quotas"}};
  for (std::size_t i = 0; i < 8; ++i) {
    const auto& s = as<ast::setting>(h.items[i]);
    EXPECT_EQ(s.key, settings[i].first);
    EXPECT_EQ(s.value, settings[i].second);
  }
  EXPECT_EQ(sx(as<ast::plan_cap>(h.items[8]).amount), "10000.00 USD");
  const auto& draw = as<ast::draw_setting>(h.items[9]);
  EXPECT_EQ(draw.kind, "recoverable");
  EXPECT_EQ(sx(draw.amount), "3000.00 USD");
  ASSERT_TRUE(draw.until.has_value());
  EXPECT_EQ(draw.until->text, "2026-Q2");
}

TEST(Syntax, ReferencePlanDeclarationsAndCredit) {
  auto parsed = parse_ok(reference_plan);
  const auto& st = parsed.plan().statements;
  ASSERT_EQ(st.size(), 14u);  // columns, attribute, 3 credit, 5 measure, 4 component

  const auto& cols = as<ast::columns_decl>(st[0]);
  ASSERT_EQ(cols.names.size(), 3u);
  EXPECT_EQ(cols.names[0].name, "product");
  EXPECT_EQ(cols.names[2].name, "deal_type");

  const auto& attr = as<ast::attribute_decl>(st[1]);
  EXPECT_EQ(attr.name.name, "tenure_years");
  EXPECT_EQ(attr.type.name, "number");

  const auto& c1 = as<ast::credit_rule>(st[2]);
  EXPECT_EQ(sx(c1.weight), "100%");
  ASSERT_TRUE(c1.condition);
  EXPECT_EQ(sx(*c1.condition), "(in product [\"saas\", \"services\"])");

  const auto& c2 = as<ast::credit_rule>(st[3]);
  EXPECT_EQ(sx(c2.weight), "50%");
  EXPECT_EQ(sx(*c2.condition),
            "(and (== product \"hardware\") (between date [2026-01-01 .. 2026-12-31]))");

  const auto& c3 = as<ast::credit_rule>(st[4]);
  EXPECT_EQ(sx(c3.weight), "100%");
  EXPECT_FALSE(c3.condition.has_value());
}

TEST(Syntax, ReferencePlanMeasures) {
  auto parsed = parse_ok(reference_plan);
  const auto& st = parsed.plan().statements;
  const std::pair<const char*, const char*> expected[] = {
      {"credited", "sum(credit)"},
      {"saas", "sum(credit where (and (== product \"saas\") (not rollup)))"},
      {"deals", "count(credit where (> amount 0))"},
      {"attainment", "(/ credited quota)"},
      {"pipeline_attainment", "(/ credited quota(\"pipeline\"))"}};
  for (std::size_t i = 0; i < 5; ++i) {
    const auto& m = as<ast::measure_def>(st[5 + i]);
    EXPECT_EQ(m.name.name, expected[i].first);
    EXPECT_EQ(sx(m.value), expected[i].second);
  }
}

TEST(Syntax, ReferencePlanTierTable) {
  auto parsed = parse_ok(reference_plan);
  const auto& c = as<ast::component_def>(parsed.plan().statements.at(10));
  EXPECT_EQ(c.name.name, "commission");
  EXPECT_FALSE(c.cumulative.has_value());
  const auto& t = as<ast::tier_table>(c.body);
  EXPECT_EQ(t.kind.name, "marginal");
  EXPECT_EQ(sx(t.base), "credited");
  ASSERT_TRUE(t.driver);
  EXPECT_EQ(sx(*t.driver), "attainment");
  ASSERT_EQ(t.bands.size(), 4u);
  EXPECT_EQ(sx(t.bands[0].lower), "0%");
  EXPECT_EQ(sx(*t.bands[0].upper), "50%");
  EXPECT_EQ(sx(t.bands[0].rate), "2%");
  EXPECT_EQ(sx(t.bands[2].lower), "100%");
  EXPECT_EQ(sx(*t.bands[2].upper), "150%");
  EXPECT_EQ(sx(t.bands[3].lower), "150%");
  EXPECT_FALSE(t.bands[3].upper.has_value());
  EXPECT_EQ(sx(t.bands[3].rate), "15%");
  ASSERT_EQ(c.modifiers.size(), 2u);
  EXPECT_EQ(sx(as<ast::floor_modifier>(c.modifiers[0]).amount), "0");
  EXPECT_EQ(sx(as<ast::cap_modifier>(c.modifiers[1]).amount), "(* 3 target_incentive)");
}

TEST(Syntax, ReferencePlanBonusCurveAndPay) {
  auto parsed = parse_ok(reference_plan);
  const auto& st = parsed.plan().statements;

  const auto& club = as<ast::component_def>(st.at(11));
  const auto& bonus = as<ast::bonus_formula>(club.body);
  EXPECT_EQ(sx(bonus.amount), "5000.00 USD");
  EXPECT_EQ(sx(bonus.condition), "(>= attainment 100%)");
  EXPECT_TRUE(club.modifiers.empty());

  const auto& sdr = as<ast::component_def>(st.at(12));
  EXPECT_EQ(sdr.name.name, "sdr_curve");
  ASSERT_TRUE(sdr.cumulative.has_value());
  EXPECT_EQ(*sdr.cumulative, "cumulative");
  const auto& curve = as<ast::payout_curve>(sdr.body);
  EXPECT_EQ(sx(curve.base), "target_incentive");
  EXPECT_EQ(sx(curve.driver), "attainment");
  ASSERT_EQ(curve.points.size(), 3u);
  EXPECT_EQ(sx(curve.points[0].x), "50%");
  EXPECT_EQ(sx(curve.points[0].y), "0%");
  EXPECT_EQ(sx(curve.points[2].x), "150%");
  EXPECT_EQ(sx(curve.points[2].y), "200%");
  ASSERT_EQ(sdr.modifiers.size(), 2u);
  EXPECT_EQ(sx(as<ast::gate_modifier>(sdr.modifiers[0]).condition), "(>= deals 3)");
  const auto& mult = as<ast::multiplier_modifier>(sdr.modifiers[1]);
  EXPECT_EQ(sx(mult.factor), "1.5");
  ASSERT_TRUE(mult.condition);
  EXPECT_EQ(sx(*mult.condition), "(== region \"EMEA\")");

  const auto& spiff = as<ast::component_def>(st.at(13));
  EXPECT_EQ(sx(as<ast::pay_formula>(spiff.body).amount), "round((* saas 2.5%), 0.05, half_up)");
}

// ---- expressions -------------------------------------------------------------------

TEST(Syntax, PrecedenceAndAssociativity) {
  EXPECT_EQ(expr("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(expr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr("a / b * c"), "(* (/ a b) c)");
  EXPECT_EQ(expr("-a * b"), "(* (- a) b)");
  EXPECT_EQ(expr("- -a"), "(- (- a))");
  EXPECT_EQ(expr("a - -1"), "(- a (- 1))");
  EXPECT_EQ(expr("not a and b or c"), "(or (and (not a) b) c)");
  EXPECT_EQ(expr("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(expr("not a == b"), "(not (== a b))");
  EXPECT_EQ(expr("a + 1 >= b * 2"), "(>= (+ a 1) (* b 2))");
  EXPECT_EQ(expr("x between 1 and 2 and y"), "(and (between x [1 .. 2]) y)");
  EXPECT_EQ(expr("x not in (1, 2 + 3)"), "(not in x [1, (+ 2 3)])");
  EXPECT_EQ(expr("min(a, max(b, 0), 3)"), "min(a, max(b, 0), 3)");
  EXPECT_EQ(expr("max(credit) - min(credit)"), "(- max(credit) min(credit))");
  EXPECT_EQ(expr("avg(credit where rollup)"), "avg(credit where rollup)");
  EXPECT_EQ(expr("f()"), "f()");
}

TEST(Syntax, Literals) {
  EXPECT_EQ(expr("12.50"), "12.50");
  EXPECT_EQ(expr("12.5%"), "12.5%");
  EXPECT_EQ(expr("5000.00 USD + 1 EUR"), "(+ 5000.00 USD 1 EUR)");
  EXPECT_EQ(expr("2026-03-31"), "2026-03-31");
  EXPECT_EQ(expr("2026 - 03"), "(- 2026 03)");
  EXPECT_EQ(expr("\"say \"\"hi\"\"\""), "\"say \"hi\"\"");
  EXPECT_EQ(expr("\"# not a comment\""), "\"# not a comment\"");

  auto parsed = parse_ok(header + "measure m = 5000.00 JPY\n");
  const auto& chain = as<ast::measure_def>(parsed.plan().statements[0]).value;
  // Six levels of chains (or, and, comparison, additive, multiplicative) wrap
  // the literal; walk down to it.
  const ast::operand* o = &chain.first;
  while (const auto* inner = boost::get<boost::spirit::x3::forward_ast<ast::binary_chain>>(o))
    o = &inner->get().first;
  const auto& m = as<ast::money_literal>(*o);
  EXPECT_EQ(m.text, "5000.00");
  EXPECT_EQ(m.currency, "JPY");
}

TEST(Syntax, CommentsAndKeywordBoundaries) {
  auto parsed = parse_ok(
      "# leading comment\n"
      "plan \"P\" { # comment after a brace\n"
      "  currency USD # comment\n"
      "}\n"
      "measure credits = sum(credit) # 'credits' is a name, 'credit' a keyword\n"
      "measure wherever = credits*2#no space needed\n"
      "measure planned = credits\n"
      "component payout { pay credits * 8% cap 100 floor 0 }\n");
  const auto& st = parsed.plan().statements;
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(as<ast::measure_def>(st[0]).name.name, "credits");
  EXPECT_EQ(as<ast::measure_def>(st[1]).name.name, "wherever");
  EXPECT_EQ(sx(as<ast::measure_def>(st[1]).value), "(* credits 2)");
  EXPECT_EQ(as<ast::measure_def>(st[2]).name.name, "planned");
  const auto& c = as<ast::component_def>(st[3]);
  EXPECT_EQ(c.modifiers.size(), 2u);  // statements need no newlines
}

TEST(Syntax, ReservedWordsAreNotNames) {
  auto diags = parse_bad(header + "measure where = 1\n");
  EXPECT_EQ(diags.items()[0].message, "expected a name, found 'where'");
  // ...but `rollup` reads as a name inside an expression, `quota` is never reserved.
  EXPECT_EQ(expr("not rollup and quota > 0"), "(and (not rollup) (> quota 0))");
}

TEST(Syntax, OptionalPartsAndRetroactiveTables) {
  auto parsed = parse_ok(header +
                         "component step {\n"
                         "  tiers retroactive of credited { from 0 to 1000 pay 1% from 1000 pay "
                         "100.00 USD }\n"
                         "  multiplier 2\n"
                         "  gate when true_flag\n"
                         "}\n"
                         "credit 1\n");
  const auto& c = as<ast::component_def>(parsed.plan().statements[0]);
  const auto& t = as<ast::tier_table>(c.body);
  EXPECT_EQ(t.kind.name, "retroactive");
  EXPECT_FALSE(t.driver.has_value());
  ASSERT_EQ(t.bands.size(), 2u);
  EXPECT_EQ(sx(t.bands[1].rate), "100.00 USD");
  ASSERT_EQ(c.modifiers.size(), 2u);
  EXPECT_FALSE(as<ast::multiplier_modifier>(c.modifiers[0]).condition.has_value());
  EXPECT_NO_THROW(as<ast::gate_modifier>(c.modifiers[1]));

  auto g = parse_ok("plan \"G\" { draw guarantee 500 USD period month }\n");
  const auto& draw = as<ast::draw_setting>(g.plan().header.items[0]);
  EXPECT_EQ(draw.kind, "guarantee");
  EXPECT_FALSE(draw.until.has_value());
  EXPECT_EQ(as<ast::setting>(g.plan().header.items[1]).value, "month");

  for (const char* period : {"2026-Q2", "2026-03", "2026"}) {
    auto p = parse_ok(std::string("plan \"D\" { draw recoverable 1 USD until ") + period + " }");
    EXPECT_EQ(as<ast::draw_setting>(p.plan().header.items[0]).until->text, period);
  }
}

// ---- positions ------------------------------------------------------------------------

TEST(Syntax, LocatesNodesAndSurvivesMoves) {
  icm::diagnostics diags;
  auto parsed = parse_plan(reference_plan, "plans/ref.icm", diags);
  ASSERT_TRUE(parsed);
  auto moved = std::move(*parsed);  // the text moves with it; positions stay valid
  parsed.reset();
  const auto& m = as<ast::measure_def>(moved.plan().statements.at(8));  // attainment
  auto where = moved.locate(m.value);
  EXPECT_EQ(where.file, "plans/ref.icm");
  EXPECT_EQ(where.line, 25u);
  EXPECT_EQ(where.column, 22u);
  EXPECT_EQ(where.length, std::string("credited / quota").size());
  EXPECT_EQ(moved.text_of(m.value), "credited / quota");
  EXPECT_EQ(moved.text_of(m), "measure attainment = credited / quota");
  EXPECT_EQ(moved.locate(m.name).column, 9u);

  const auto& c = as<ast::component_def>(moved.plan().statements.at(10));
  const auto& t = as<ast::tier_table>(c.body);
  EXPECT_EQ(moved.text_of(t.bands[3]), "from 150%         pay 15%");
  EXPECT_EQ(moved.locate(t.bands[3]).line, 33u);
  EXPECT_EQ(moved.locate(t.bands[3].rate).column, 27u);

  icm::syntax::parsed_plan copy = moved;  // copies share the text
  EXPECT_EQ(copy.text_of(m.value), "credited / quota");
  EXPECT_EQ(moved.locate(ast::identifier{}).line, 0u);  // not parsed: no place
}

// ---- errors ----------------------------------------------------------------------------

TEST(SyntaxErrors, EmptyFileExpectsPlan) {
  for (const char* text : {"", "   \n# only a comment\n"}) {
    auto diags = parse_bad(text);
    ASSERT_EQ(diags.size(), 1u);
    const auto& d = diags.items()[0];
    EXPECT_EQ(d.message, "expected 'plan', found end of file");
    EXPECT_EQ(d.where.file, "bad.icm");
  }
  EXPECT_EQ(parse_bad("").items()[0].where.line, 1u);
  EXPECT_EQ(parse_bad("").items()[0].where.column, 1u);
  EXPECT_EQ(parse_bad("   \n# only a comment\n").items()[0].where.line, 3u);
}

TEST(SyntaxErrors, MissingClosingBrace) {
  auto diags = parse_bad(header + "component c {\n  pay 1\n");
  ASSERT_EQ(diags.size(), 1u);
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.message,
            "expected a modifier ('gate', 'multiplier', 'cap', 'floor') or '}' to close the "
            "component, found end of file");
  EXPECT_EQ(d.where.line, 4u);
  EXPECT_EQ(d.where.column, 1u);

  // Followed by another statement: reported at that statement, which still parses.
  auto d2 = parse_bad(header + "component c {\n  pay 1\nmeasure x = 1\nmeasure y = \n");
  ASSERT_EQ(d2.size(), 2u);
  EXPECT_EQ(d2.items()[0].where.line, 4u);
  EXPECT_EQ(d2.items()[0].message.substr(0, 20), "expected a modifier ");
  EXPECT_EQ(d2.items()[1].message, "expected an expression, found end of file");
}

TEST(SyntaxErrors, BandWithoutPay) {
  auto diags = parse_bad(header +
                         "component c {\n"
                         "  tiers marginal of credited by attainment {\n"
                         "    from 0% to 50% 2%\n"
                         "  }\n"
                         "}\n");
  ASSERT_EQ(diags.size(), 1u);
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.message, "expected 'pay' after the band bounds, found '2'");
  EXPECT_EQ(d.where.line, 4u);
  EXPECT_EQ(d.where.column, 20u);
}

TEST(SyntaxErrors, UnknownTopLevelWord) {
  auto diags = parse_bad(header + "measure ok = 1\nmesure x = 1\ncredit 100%\n");
  ASSERT_EQ(diags.size(), 1u);
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.message,
            "expected a statement ('credit', 'measure', 'component', 'columns' or 'attribute'), "
            "found 'mesure'");
  EXPECT_EQ(d.where.line, 3u);
  EXPECT_EQ(d.where.column, 1u);
  EXPECT_EQ(d.where.length, 6u);
}

TEST(SyntaxErrors, UnterminatedString) {
  auto diags = parse_bad(header + "credit 100% where product == \"saas\ncredit 50%\n");
  ASSERT_EQ(diags.size(), 1u);
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.message, "unterminated string (a string ends with '\"' on the same line)");
  EXPECT_EQ(d.where.line, 2u);
  EXPECT_EQ(d.where.column, 30u);
  // At the end of the file too.
  auto d2 = parse_bad("plan \"P");
  EXPECT_EQ(d2.items()[0].where.column, 6u);
}

TEST(SyntaxErrors, BadNumbers) {
  auto d1 = parse_bad(header + "measure m = 1. + 2\n");
  ASSERT_EQ(d1.size(), 1u);
  EXPECT_EQ(d1.items()[0].message, "expected digits after the decimal point");
  EXPECT_EQ(d1.items()[0].where.line, 2u);
  EXPECT_EQ(d1.items()[0].where.column, 15u);

  auto d2 = parse_bad(header + "credit 12.% where x\n");
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2.items()[0].message, "expected digits after the decimal point");
  EXPECT_EQ(d2.items()[0].where.column, 11u);
}

TEST(SyntaxErrors, ChainedComparisonIsAnError) {
  auto diags = parse_bad(header + "measure m = a < b < c\n");
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].where.column, 19u);
}

TEST(SyntaxErrors, NestingLimit) {
  // 60 levels are fine...
  std::string ok = header + "measure m = " + std::string(60, '(') + "1" + std::string(60, ')');
  parse_ok(ok);
  // ...100,000 are an error at the level past the limit, quickly.
  const std::size_t deep = 100000;
  auto start = std::chrono::steady_clock::now();
  auto diags = parse_bad(header + "measure m = " + std::string(deep, '(') + "1" +
                         std::string(deep, ')') + "\nmeasure n = 1 +\n");
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(diags.size(), 2u);  // and the parse went on to the next statement
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.message, "expression nested too deeply (limit 64)");
  EXPECT_EQ(d.where.line, 2u);
  // The top expression is level 1; the 64th '(' would open level 65.
  EXPECT_EQ(d.where.column, 13u + 64u);
  EXPECT_EQ(diags.items()[1].where.line, 4u);
  EXPECT_LT(seconds, 5.0);

  // Prefix operators and calls nest too.
  auto minus = parse_bad(header + "measure m = " + std::string(deep, '-') + "1\n");
  EXPECT_EQ(minus.items()[0].message, "expression nested too deeply (limit 64)");
  std::string nots;
  for (std::size_t i = 0; i < deep; ++i) nots += "not ";
  auto nested_not = parse_bad(header + "credit 1 where " + nots + "x\n");
  EXPECT_EQ(nested_not.items()[0].message, "expression nested too deeply (limit 64)");
  std::string calls;
  for (std::size_t i = 0; i < deep; ++i) calls += "f(";
  auto nested_calls = parse_bad(header + "measure m = " + calls + "\n");
  EXPECT_EQ(nested_calls.items()[0].message, "expression nested too deeply (limit 64)");
}

TEST(SyntaxErrors, SizeLimits) {
  auto long_name = parse_bad(header + "measure " + std::string(2000, 'a') + " = 1\n");
  EXPECT_EQ(long_name.items()[0].message, "name is too long (2000 bytes, limit 1024)");
  EXPECT_EQ(long_name.items()[0].where.column, 9u);
  auto long_number = parse_bad(header + "measure m = " + std::string(2000, '9') + "\n");
  EXPECT_EQ(long_number.items()[0].message, "number is too long (2000 bytes, limit 1024)");
  auto long_string = parse_bad(header + "measure m = \"" + std::string(2000, 's') + "\"\n");
  EXPECT_EQ(long_string.items()[0].message, "string is too long (2000 bytes, limit 1024)");
  auto huge = parse_bad(std::string(10u * 1024u * 1024u + 1u, ' '));
  EXPECT_EQ(huge.items()[0].message, "plan file is too large (10485761 bytes, limit 10 MiB)");
}

TEST(SyntaxErrors, SeveralErrorsInOneRun) {
  const std::string text =
      "plan \"P\" {\n"                                  // 1
      "  currency\n"                                    // 2: no value
      "}\n"                                             // 3
      "credit 100% where product in \"saas\"\n"         // 4: list needs parentheses
      "measure ok = sum(credit)\n"                      // 5: fine
      "measure bad = ok +\n"                            // 6: missing operand
      "component c {\n"                                 // 7
      "  tiers stepwise of ok { from 0 pay 1% }\n"      // 8: unknown table kind
      "}\n"                                             // 9
      "attribute tenure\n"                              // 10: no type
      "columns\n";                                      // 11: no names
  auto diags = parse_bad(text);
  ASSERT_EQ(diags.size(), 6u) << icm::render(diags, text);
  const std::uint32_t lines[] = {3, 4, 7, 8, 11, 12};
  const char* messages[] = {
      "expected a value for the setting, found '}'",
      "expected a list in parentheses, found '\"'",
      "expected an expression, found 'component'",
      "expected 'marginal' or 'retroactive', found 'stepwise'",
      "expected a type (money, ratio, number, count, text or date), found 'columns'",
      "expected a column name, found end of file"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(diags.items()[i].where.line, lines[i]) << i;
    EXPECT_EQ(diags.items()[i].message, messages[i]) << i;
  }
}

TEST(SyntaxErrors, RendersWithCaret) {
  const std::string text = header + "credit 100% where product in (\"saas\" \"services\")\n";
  auto diags = parse_bad(text);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(icm::render(diags, text),
            "bad.icm:2:38: error: expected ',' or ')' in the list, found '\"'\n"
            "  credit 100% where product in (\"saas\" \"services\")\n"
            "                                       ^\n");
}

TEST(SyntaxErrors, GarbageNeverCrashes) {
  // Bytes that are not ASCII, stray braces, a second plan header.
  const std::string inputs[] = {
      "\xff\xfe plan",
      header + "measure \xc3\xa9t\xc3\xa9 = 1\n",
      header + "}}}}\ncredit ((((\n",
      header + "plan \"again\" { }\n",
      header + "component c { pay }",
      header + "component c cumulative cumulative { pay 1 }",
      header + "measure m = sum(credit where)",
      header + "component c { curve of x by y { 1 -> } }",
      header + "component c { curve of x by y { } }",
      header + "component c { tiers marginal of x { } }",
      header + "credit 1 where a between 1",
      header + "credit 1 where a in ()",
      header + "columns a,",
      header + "component c { tiers marginal of x { } }",
      header + "component c { curve of x by y { -> 1 } }",
      header + "component c { bonus 1 }",
      header + "component c { pay 1 gate 1 }",
      "plan \"P\" { draw loan 1 }",
      "plan \"P\" { draw guarantee 1 until Q2 }",
      "plan \"P\" { cap }",
      "plan P { }",
      "plan \"P\" currency USD",
  };
  for (const auto& text : inputs) {
    icm::diagnostics diags;
    EXPECT_FALSE(parse_plan(text, "g.icm", diags).has_value()) << text;
    EXPECT_TRUE(diags.has_errors()) << text;
    for (const auto& d : diags) {
      EXPECT_GE(d.where.line, 1u) << d.message;
      // Every expectation names what it wanted in words, never a C++ type.
      EXPECT_EQ(d.message.find("boost"), std::string::npos) << d.message;
    }
  }
}
