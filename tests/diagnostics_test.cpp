#include "icm/diagnostics.hpp"

#include <gtest/gtest.h>

TEST(Diagnostics, RendersClangStyleWithCaret) {
  icm::diagnostic d;
  d.where = {"plans/ae.icm", 2, 19, 7};
  d.message = "unknown column 'prodcut' (did you mean 'product'?)";
  const std::string src = "plan \"AE\"\ncredit 100% where prodcut in (\"saas\", \"services\")\n";
  EXPECT_EQ(icm::render(d, src),
            "plans/ae.icm:2:19: error: unknown column 'prodcut' (did you mean 'product'?)\n"
            "  credit 100% where prodcut in (\"saas\", \"services\")\n"
            "                    ^~~~~~~\n");
}

TEST(Diagnostics, PayeeAndPeriodPlace) {
  icm::diagnostics ds;
  ds.payee_error("P7", "2026-Q2", "no quota 'quota'");
  ASSERT_TRUE(ds.has_errors());
  EXPECT_EQ(ds.items()[0].headline(), "payee P7, period 2026-Q2: error: no quota 'quota'");
}

TEST(Diagnostics, ClosestName) {
  EXPECT_EQ(icm::closest_name("prodcut", {"amount", "product", "region"}), "product");
  EXPECT_EQ(icm::closest_name("zzzzzz", {"amount", "product"}), "");
}
