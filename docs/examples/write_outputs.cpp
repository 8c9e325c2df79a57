// Writing payouts.csv, measures.csv and control_totals.csv, whole or not at all.
#include <filesystem>
#include <iostream>
#include <sstream>

#include <icm/icm.hpp>

int main() {
  icm::diagnostics diags;
  auto plan = icm::plan::load_file("rules/reference-marginal.icm", diags);
  auto data = icm::read_dataset("rules/data/reference", diags);
  auto result = plan && data ? icm::run(*plan, *data, diags) : std::nullopt;
  if (!result) {
    std::cerr << icm::render(diags);
    return 1;
  }

  // Into any stream...
  std::ostringstream payouts;
  icm::write_payouts_csv(*result, payouts);
  std::cout << payouts.str().substr(0, payouts.str().find('\n')) << '\n';  // the header

  // ...or the three files into a folder: each goes to a temporary file and is
  // renamed into place only when all three were written.
  const auto out = std::filesystem::temp_directory_path() / "icm-docs-write-outputs";
  if (!icm::write_outputs(*result, out.string(), diags)) {
    std::cerr << icm::render(diags);
    return 1;
  }
  const bool written = std::filesystem::file_size(out / "payouts.csv") == payouts.str().size();
  std::filesystem::remove_all(out);
  return written ? 0 : 1;
}
