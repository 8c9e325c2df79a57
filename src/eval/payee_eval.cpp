// Measures, components and the payee ledger. See payee_eval.hpp.
#include "eval/payee_eval.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace icm::eval {

using check::bound_expr;
using check::node_kind;
using check::value_type;

namespace {

// A value of the per-payee language: a decimal, or an exact quotient
// num/den (den > 0), or a truth value.
struct value {
  decimal num;
  decimal den{1};
  bool quotient = false;
  bool truth = false;
};

struct eval_error {
  std::string message;
  source_location where;
};

std::strong_ordering compare(const value& a, const value& b) {
  if (!a.quotient && !b.quotient) return a.num <=> b.num;
  return (a.num * b.den) <=> (b.num * a.den);
}

bool mentions_quota(const bound_expr& e, const check::checked_plan& plan) {
  if (e.kind == node_kind::quota) return true;
  if (e.kind == node_kind::measure_ref) return mentions_quota(plan.measures[e.index].value, plan);
  for (const auto& a : e.args)
    if (mentions_quota(a, plan)) return true;
  return false;
}

class payee_evaluator {
 public:
  payee_evaluator(const payee_context& ctx, std::uint32_t payee, diagnostics& diags, int trace_period,
                  std::vector<trace_step>* trace)
      : ctx_(ctx), s_(ctx.plan.settings()), plan_(ctx.plan.checked), payee_(payee), diags_(diags),
        trace_period_(trace_period), trace_sink_(trace) {
    const auto& ps = ctx.data.payees;
    for (std::size_t i = 0; i < ctx.calendar.periods.size(); ++i) {
      const auto& p = ctx.calendar.periods[i];
      if (first_day(p).days <= ps.end_date[payee] && last_day(p).days >= ps.hire_date[payee])
        periods_.push_back(static_cast<int>(i));
    }
    quotas_ = ctx.quotas.of_payee(payee);
  }

  payee_output run() {
    payee_output out;
    const std::string& id = ctx_.data.payees.ids[payee_];
    std::vector<decimal> paid_before(plan_.components.size());  // cumulative components
    decimal carried;      // negative balance carried forward (as a positive debt)
    decimal draw_balance; // recoverable draw still to repay
    for (std::size_t k = 0; k < periods_.size(); ++k) {
      current_ = k;
      memo_[0].assign(plan_.measures.size(), std::nullopt);
      memo_[1].assign(plan_.measures.size(), std::nullopt);
      trace_ = periods_[k] == trace_period_ ? trace_sink_ : nullptr;
      const period when = ctx_.calendar.periods[static_cast<std::size_t>(periods_[k])];
      try {
        std::vector<payout_line> lines;
        decimal total;
        for (std::size_t c = 0; c < plan_.components.size(); ++c) {
          const auto& comp = plan_.components[c];
          ytd_ = comp.cumulative;
          decimal amount = component_amount(comp).round(s_.minor_digits, s_.rounding);
          decimal line = amount;
          if (comp.cumulative) {
            line = amount - paid_before[c];
            if (trace_) step(step_kind::year_to_date, comp.name, "year to date",
                 fmt::format("year-to-date payout {} minus {} paid in earlier periods", amount, paid_before[c]),
                 line);
            paid_before[c] = amount;
          }
          total += line;
          lines.push_back({id, when, comp.name, line, s_.currency});
        }
        ytd_ = false;
        ledger(lines, total, carried, draw_balance, k, when, id);
        for (auto& l : lines) out.payouts.push_back(std::move(l));
        measures(out, when, id);
      } catch (const eval_error& e) {
        diags_.add({severity::error, e.where, id, to_string(when), e.message});
        return out;
      } catch (const decimal_error& e) {
        // No source place: an arithmetic failure (division by zero, scale
        // limit) is about this payee and period.
        diags_.payee_error(id, to_string(when), e.what());
        return out;
      }
    }
    if (carried.sign() > 0) out.balances.push_back({id, "carried", carried});
    if (draw_balance.sign() > 0) out.balances.push_back({id, "draw", draw_balance});
    return out;
  }

 private:
  const payee_context& ctx_;
  const check::plan_settings& s_;
  const check::checked_plan& plan_;
  std::uint32_t payee_;
  diagnostics& diags_;
  int trace_period_;
  std::vector<trace_step>* trace_sink_;
  std::vector<trace_step>* trace_ = nullptr;
  std::vector<int> periods_;  // evaluated plan period indices
  std::size_t current_ = 0;   // position in periods_
  bool ytd_ = false;
  std::vector<std::optional<value>> memo_[2];
  std::span<const quota_book::entry> quotas_;  // this payee's
  // Interned ids of the quota metrics met so far (a plan has a few).
  std::vector<std::pair<std::string, std::optional<std::uint32_t>>> metric_ids_;

  std::optional<std::uint32_t> metric_id(std::string_view metric) {
    for (const auto& [name, id] : metric_ids_)
      if (name == metric) return id;
    const auto id = ctx_.data.strings.find(metric);
    metric_ids_.emplace_back(metric, id);
    return id;
  }
  const quota_book::entry* find_quota(std::uint32_t metric, std::size_t k) const {
    return quota_book::find(quotas_, quota_key(payee_, periods_[k], metric));
  }

  // Callers test trace_ first: the texts are formatted only for the payee
  // and period being explained (formatting them for every payee was most of
  // the time of evaluating payees).
  void step(step_kind kind, const std::string& component, std::string what, std::string detail,
            std::optional<decimal> amount = std::nullopt) {
    if (trace_) trace_->push_back({kind, component, std::move(what), std::move(detail), std::move(amount)});
  }

  decimal approx(const value& v) const {
    return v.quotient ? v.num.divide(v.den, s_.precision, rounding_mode::half_even) : v.num;
  }
  std::string show(const value& v) const {
    return v.quotient ? fmt::format("{} (= {} / {})", approx(v), v.num, v.den) : approx(v).to_string();
  }
  static value of(decimal d) { return value{std::move(d)}; }
  static value truth(bool b) {
    value v;
    v.truth = b;
    return v;
  }

  std::pair<std::size_t, std::size_t> scope() const {
    return ytd_ ? std::pair{std::size_t{0}, current_ + 1} : std::pair{current_, current_ + 1};
  }

  // ---- leaves -------------------------------------------------------------------

  value aggregate(const bound_expr& e) {
    const auto& def = plan_.aggregates[e.index];
    int128 sum = 0;
    std::int64_t count = 0, mn = 0, mx = 0;
    auto [from, to] = scope();
    for (auto k = from; k < to; ++k) {
      const auto& c = ctx_.credits.cell(payee_, periods_[k], e.index);
      sum += c.sum;  // a plan with only sums keeps no counts (crediting.hpp)
      if (c.count == 0) continue;
      mn = count == 0 ? c.min : std::min(mn, c.min);
      mx = count == 0 ? c.max : std::max(mx, c.max);
      count += c.count;
    }
    const int d = s_.minor_digits;
    switch (def.fn) {
      case check::aggregate_fn::sum: return of(decimal_from_i128(sum, d));
      case check::aggregate_fn::count: return of(decimal(count));
      case check::aggregate_fn::min: return of(decimal(mn, d));
      case check::aggregate_fn::max: return of(decimal(mx, d));
      case check::aggregate_fn::avg: {
        if (count == 0) return of(decimal(0, d));
        value v;
        v.num = decimal_from_i128(sum, d);
        v.den = decimal(count);
        v.quotient = true;
        return v;
      }
    }
    return of(decimal());
  }

  decimal quota_of(const std::string& metric, std::size_t k, const source_location& where) {
    const int p = periods_[k];
    const period when = ctx_.calendar.periods[static_cast<std::size_t>(p)];
    const auto id = metric_id(metric);
    const auto* found = id ? find_quota(*id, k) : nullptr;
    if (!found) throw eval_error{fmt::format("no quota '{}' for {} in quotas.csv", metric, to_string(when)), where};
    decimal q = found->amount;
    if (s_.prorate_quotas) {
      const auto& ps = ctx_.data.payees;
      auto first = std::max(first_day(when).days, ps.hire_date[payee_]);
      auto last = std::min(last_day(when).days, ps.end_date[payee_]);
      auto active = std::max(0, last - first + 1);
      auto days = day_count(when);
      if (active < days) {
        decimal prorated = (q * decimal(active)).divide(decimal(days), s_.minor_digits, s_.rounding);
        if (trace_) step(step_kind::input, "", fmt::format("quota {}", to_string(when)),
             fmt::format("{} x {} active days / {} days, rounded", q, active, days), prorated);
        q = prorated;
      }
    }
    return q;
  }

  value quota(const bound_expr& e) {
    auto [from, to] = scope();
    decimal total;
    for (auto k = from; k < to; ++k) total += quota_of(e.text, k, e.where);
    return of(total);
  }

  value payee_attribute(const bound_expr& e) {
    const auto& attr = plan_.attributes[e.index];
    const auto* col = ctx_.data.payees.attribute(attr.name);
    std::string_view text = col ? ctx_.data.strings.view(col->values[payee_]) : std::string_view{};
    if (text.empty())
      throw eval_error{fmt::format("payee has no {} in payees.csv", attr.name), e.where};
    if (attr.type == value_type::text) {
      value v;
      v.truth = false;
      v.num = decimal(col->values[payee_]);  // compared by interned id
      return v;
    }
    if (attr.type == value_type::date) {
      auto d = parse_date(text);
      if (!d) throw eval_error{fmt::format("payee's {} '{}' is not a date", attr.name, text), e.where};
      return of(decimal(d->days));
    }
    auto d = decimal::parse(text);
    if (!d) throw eval_error{fmt::format("payee's {} '{}' is not a number", attr.name, text), e.where};
    return of(*d);
  }

  value measure(const bound_expr& e) {
    auto& slot = memo_[ytd_ ? 1 : 0][e.index];
    if (!slot) slot = eval(plan_.measures[e.index].value);
    return *slot;
  }

  // ---- expressions ----------------------------------------------------------------

  value eval(const bound_expr& e) {
    switch (e.kind) {
      case node_kind::constant:
        if (e.type == value_type::text) {
          // Text constants compare with text attributes by interned id.
          auto id = ctx_.data.strings.find(e.text);
          return of(id ? decimal(*id) : decimal(-1));
        }
        return of(e.number);
      case node_kind::quota: return quota(e);
      case node_kind::payee_attribute: return payee_attribute(e);
      case node_kind::measure_ref: return measure(e);
      case node_kind::aggregate: return aggregate(e);
      case node_kind::add: return of(approx(eval(e.args[0])) + approx(eval(e.args[1])));
      case node_kind::sub: return of(approx(eval(e.args[0])) - approx(eval(e.args[1])));
      case node_kind::mul: return of(approx(eval(e.args[0])) * approx(eval(e.args[1])));
      case node_kind::neg: return of(-approx(eval(e.args[0])));
      case node_kind::div: {
        value v;
        v.num = approx(eval(e.args[0]));
        v.den = approx(eval(e.args[1]));
        v.quotient = true;
        if (v.den.sign() <= 0 && mentions_quota(e.args[1], plan_))
          throw eval_error{fmt::format("quota is {}: an attainment needs a positive quota",
                                       v.den.is_zero() ? "zero" : "negative"),
                           e.where};
        if (v.den.is_zero()) throw eval_error{"division by zero", e.where};
        if (v.den.sign() < 0) {
          v.num = -v.num;
          v.den = -v.den;
        }
        return v;
      }
      case node_kind::eq: return truth(compare(eval(e.args[0]), eval(e.args[1])) == 0);
      case node_kind::ne: return truth(compare(eval(e.args[0]), eval(e.args[1])) != 0);
      case node_kind::lt: return truth(compare(eval(e.args[0]), eval(e.args[1])) < 0);
      case node_kind::le: return truth(compare(eval(e.args[0]), eval(e.args[1])) <= 0);
      case node_kind::gt: return truth(compare(eval(e.args[0]), eval(e.args[1])) > 0);
      case node_kind::ge: return truth(compare(eval(e.args[0]), eval(e.args[1])) >= 0);
      case node_kind::in_list: {
        auto x = eval(e.args[0]);
        bool found = false;
        for (std::size_t i = 1; i < e.args.size() && !found; ++i) found = compare(x, eval(e.args[i])) == 0;
        return truth(e.text == "not in" ? !found : found);
      }
      case node_kind::between: {
        auto x = eval(e.args[0]);
        return truth(compare(x, eval(e.args[1])) >= 0 && compare(x, eval(e.args[2])) <= 0);
      }
      case node_kind::logical_and: return truth(eval(e.args[0]).truth && eval(e.args[1]).truth);
      case node_kind::logical_or: return truth(eval(e.args[0]).truth || eval(e.args[1]).truth);
      case node_kind::logical_not: return truth(!eval(e.args[0]).truth);
      case node_kind::round: {
        auto x = approx(eval(e.args[0]));
        auto step_v = approx(eval(e.args[1]));
        return of(x.round_to_step(step_v, e.has_mode ? e.mode : s_.rounding));
      }
      case node_kind::min:
      case node_kind::max: {
        value best = eval(e.args[0]);
        for (std::size_t i = 1; i < e.args.size(); ++i) {
          auto v = eval(e.args[i]);
          auto o = compare(v, best);
          if (e.kind == node_kind::min ? o < 0 : o > 0) best = v;
        }
        return best;
      }
      case node_kind::abs: {
        auto v = eval(e.args[0]);
        if (v.num.sign() < 0) v.num = -v.num;
        return v;
      }
      default: throw eval_error{"a transaction column cannot be used per payee", e.where};
    }
  }

  // ---- components -----------------------------------------------------------------

  decimal component_amount(const check::component_def& c) {
    decimal amount;
    switch (c.kind) {
      case check::formula_kind::pay:
        amount = approx(eval(*c.amount));
        if (trace_) step(step_kind::part, c.name, "pay", "formula", amount);
        break;
      case check::formula_kind::bonus: {
        bool holds = eval(*c.condition).truth;
        amount = holds ? approx(eval(*c.amount)) : decimal();
        if (trace_) step(step_kind::part, c.name, "bonus", holds ? "condition holds" : "condition does not hold", amount);
        break;
      }
      case check::formula_kind::tiers: amount = tiers(c); break;
      case check::formula_kind::curve: amount = curve(c); break;
    }
    for (const auto& m : c.modifiers) {
      decimal before = amount;
      switch (m.kind) {
        case check::modifier_kind::gate:
          if (!eval(*m.condition).truth) amount = decimal();
          break;
        case check::modifier_kind::multiplier:
          if (!m.condition || eval(*m.condition).truth) amount = amount * approx(eval(*m.amount));
          break;
        case check::modifier_kind::cap: {
          auto cap = approx(eval(*m.amount));
          if (amount > cap) amount = cap;
          break;
        }
        case check::modifier_kind::floor: {
          auto fl = approx(eval(*m.amount));
          if (amount < fl) amount = fl;
          break;
        }
      }
      if (!(amount == before))
        if (trace_) step(step_kind::modifier, c.name, std::string(to_string(m.kind)), fmt::format("changed {} by {}", before, amount - before),
             amount);
    }
    if (trace_) {
      auto r = amount.round(s_.minor_digits, s_.rounding);
      step(step_kind::rounding, c.name, "rounding", fmt::format("{} rounded {} to {} digits", amount, to_string(s_.rounding),
                                           s_.minor_digits),
           r);
    }
    return amount;
  }

  decimal tiers(const check::component_def& c) {
    const decimal base = approx(eval(*c.base));
    const auto& bands = c.bands;
    if (trace_) step(step_kind::input, c.name, "base", "", base);
    if (c.tiers == check::tier_kind::retroactive) {
      value driver = eval(*c.driver);
      std::size_t chosen = 0;
      for (std::size_t i = 0; i < bands.size(); ++i)
        if (compare(driver, of(bands[i].lower)) >= 0) chosen = i;  // on a bound: the upper band
      const auto& b = bands[chosen];
      decimal pay = b.fixed ? b.rate : base * b.rate;
      if (trace_) step(step_kind::part, c.name, fmt::format("band {}", chosen + 1),
           fmt::format("driver {} lies in [{}, {}): {}", show(driver), b.lower,
                       b.upper ? b.upper->to_string() : std::string("open"),
                       b.fixed ? fmt::format("fixed {}", b.rate) : fmt::format("{} x {}", base, b.rate)),
           pay);
      return pay;
    }
    // Marginal: band bounds in amount of the base (bound x quota for an
    // attainment driver), each portion paid at its band's rate.
    std::optional<decimal> scale;
    if (c.attainment_denominator) {
      value q = eval(*c.attainment_denominator);
      scale = approx(q);
      if (scale->sign() <= 0)
        throw eval_error{fmt::format("quota is {}: an attainment needs a positive quota",
                                     scale->is_zero() ? "zero" : "negative"),
                         c.attainment_denominator->where};
    }
    auto amount_of = [&](const decimal& bound) { return scale ? bound * *scale : bound; };
    if (base.sign() < 0) {
      const auto& b = bands.front();
      decimal pay = b.fixed ? decimal() : base * b.rate;
      if (trace_) step(step_kind::part, c.name, "band 1", fmt::format("negative base paid at the first band's rate: {} x {}", base, b.rate),
           pay);
      return pay;
    }
    decimal total;
    for (std::size_t i = 0; i < bands.size(); ++i) {
      const auto& b = bands[i];
      decimal lo = amount_of(b.lower);
      if (base < lo) continue;
      if (b.fixed) {
        total += b.rate;
        if (trace_) step(step_kind::part, c.name, fmt::format("band {}", i + 1), fmt::format("reached {}: fixed {}", lo, b.rate), b.rate);
        continue;
      }
      decimal hi = b.upper ? min(base, amount_of(*b.upper)) : base;
      decimal portion = hi - lo;
      if (portion.sign() <= 0) continue;
      decimal pay = portion * b.rate;
      total += pay;
      if (trace_) step(step_kind::part, c.name, fmt::format("band {}", i + 1), fmt::format("portion {} ({} to {}) x {}", portion, lo, hi, b.rate),
           pay);
    }
    return total;
  }

  decimal curve(const check::component_def& c) {
    const decimal base = approx(eval(*c.base));
    const value a = eval(*c.driver);
    const auto& pts = c.points;
    decimal y;
    std::string how;
    if (compare(a, of(pts.front().x)) < 0) {
      y = pts.front().x.is_zero() ? pts.front().y : decimal();
      how = pts.front().x.is_zero() ? "below the first point at 0: its value" : "below the first point: 0";
    } else if (compare(a, of(pts.back().x)) >= 0) {
      y = pts.back().y;
      how = "at or above the last point: its value";
    } else {
      std::size_t i = 0;
      while (i + 1 < pts.size() && compare(a, of(pts[i + 1].x)) >= 0) ++i;
      const auto& p0 = pts[i];
      const auto& p1 = pts[i + 1];
      const decimal ap = approx(a);
      y = p0.y + ((ap - p0.x) * (p1.y - p0.y)).divide(p1.x - p0.x, s_.precision, rounding_mode::half_even);
      if (trace_)
        how = fmt::format("between ({}, {}) and ({}, {}): {} + ({} - {}) x ({} - {}) / ({} - {})", p0.x, p0.y, p1.x,
                          p1.y, p0.y, ap, p0.x, p1.y, p0.y, p1.x, p0.x);
    }
    decimal pay = base * y;
    if (trace_) step(step_kind::part, c.name, "curve", fmt::format("attainment {}, {}; curve value {}; {} x {}", show(a), how, y, base, y), pay);
    return pay;
  }

  // ---- ledger (spec section 10) ---------------------------------------------------

  void ledger(std::vector<payout_line>& lines, decimal& total, decimal& carried, decimal& draw_balance,
              std::size_t k, const period& when, const std::string& id) {
    auto add_line = [&](const char* name, const decimal& amount, std::string detail) {
      if (amount.is_zero()) return;
      lines.push_back({id, when, name, amount, s_.currency});
      total += amount;
      step(step_kind::ledger, name, "ledger", std::move(detail), amount);
    };
    if (s_.plan_cap) {
      auto cap = approx(eval(*s_.plan_cap)).round(s_.minor_digits, s_.rounding);
      if (total > cap) add_line("plan_cap", cap - total, fmt::format("total {} above the plan cap {}", total, cap));
    }
    if (carried.sign() > 0 && total.sign() > 0) {
      decimal recover = min(carried, total);
      carried -= recover;
      add_line("carried_balance_recovery", -recover,
               fmt::format("repays {} of the balance carried from earlier periods", recover));
    }
    if (s_.draw) {
      const auto& d = *s_.draw;
      const period pw = ctx_.calendar.periods[static_cast<std::size_t>(periods_[k])];
      const bool in_draw = !d.until || pw <= *d.until;
      decimal amount = approx(eval(d.amount)).round(s_.minor_digits, s_.rounding);
      const bool recoverable = d.kind == check::draw_kind::recoverable;
      if (in_draw && total < amount) {
        decimal top_up = amount - total;
        if (recoverable) draw_balance += top_up;
        add_line("draw", top_up,
                 fmt::format("earned {} below the draw {}{}", total, amount,
                             recoverable ? fmt::format("; draw balance now {}", draw_balance) : std::string()));
      } else if (recoverable && draw_balance.sign() > 0) {
        decimal room = in_draw ? total - amount : total;
        if (room.sign() > 0) {
          decimal recover = min(room, draw_balance);
          draw_balance -= recover;
          add_line("draw_recovery", -recover,
                   fmt::format("repays {} of the draw balance; {} left", recover, draw_balance));
        }
      }
    }
    if (total.sign() < 0 && !s_.pay_negative_totals) {
      decimal owed = -total;
      carried += owed;
      add_line("carried_balance", owed, fmt::format("negative total carried forward; balance {}", carried));
    }
  }

  // ---- measures.csv ---------------------------------------------------------------

  void measures(payee_output& out, const period& when, const std::string& id) {
    auto text = [&](const value& v, value_type t) {
      if (t == value_type::boolean) return std::string(v.truth ? "true" : "false");
      return approx(v).to_string();
    };
    bool any_cumulative = false;
    for (const auto& c : plan_.components) any_cumulative |= c.cumulative;
    for (int mode = 0; mode < (any_cumulative ? 2 : 1); ++mode) {
      ytd_ = mode == 1;
      const char* scope_name = ytd_ ? "ytd" : "period";
      for (const auto& metric : plan_.quota_metrics) {
        auto id_ok = metric_id(metric);
        auto [from, to] = scope();
        bool have = id_ok.has_value();
        for (auto k = from; have && k < to; ++k)
          have = find_quota(*id_ok, k) != nullptr;
        if (!have) continue;  // only components that need a quota fail without one
        bound_expr q;
        q.kind = node_kind::quota;
        q.text = metric;
        out.measures.push_back({id, when, metric == "quota" ? "quota" : fmt::format("quota({})", metric),
                                scope_name, text(quota(q), value_type::money)});
      }
      for (std::uint32_t m = 0; m < plan_.measures.size(); ++m) {
        bound_expr ref;
        ref.kind = node_kind::measure_ref;
        ref.index = m;
        try {
          out.measures.push_back({id, when, plan_.measures[m].name, scope_name,
                                  text(measure(ref), plan_.measures[m].value.type)});
        } catch (const eval_error&) {
          // A measure no component needs may lack a quota; it is left out.
        }
      }
    }
    ytd_ = false;
  }
};

}  // namespace

void quota_book::seal() {
  // Stable: of two quotas for one key the later (in quotas.csv) stays.
  std::stable_sort(entries_.begin(), entries_.end(), [](const entry& a, const entry& b) { return a.key < b.key; });
  std::vector<entry> kept;
  kept.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (i + 1 == entries_.size() || entries_[i + 1].key != entries_[i].key) kept.push_back(std::move(entries_[i]));
  entries_ = std::move(kept);
}

std::span<const quota_book::entry> quota_book::of_payee(std::uint32_t payee) const {
  const std::uint64_t first = std::uint64_t{payee} << 32, next = std::uint64_t{payee + 1} << 32;
  const auto from = std::lower_bound(entries_.begin(), entries_.end(), first,
                                     [](const entry& e, std::uint64_t k) { return e.key < k; });
  const auto to = std::lower_bound(from, entries_.end(), next, [](const entry& e, std::uint64_t k) { return e.key < k; });
  return {from, to};
}

payee_output evaluate_payee(const payee_context& ctx, std::uint32_t payee, diagnostics& diags, int trace_period,
                            std::vector<trace_step>* trace) {
  return payee_evaluator(ctx, payee, diags, trace_period, trace).run();
}

}  // namespace icm::eval
