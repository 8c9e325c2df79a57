// cli.hpp - what the subcommands of the icm tool share.
//
// Exit status of every command: 0 success, 1 the plan or the data had
// errors (diagnostics on stderr, no output files written), 2 a usage error.
#pragma once

#include <cstdio>       // std::FILE
#include <span>         // arguments
#include <string>       // values
#include <string_view>  // arguments

#include "icm/diagnostics.hpp"

namespace icm::cli {

using args_t = std::span<const std::string_view>;

// Prints `icm: message` and the usage to stderr; returns 2.
int usage_error(std::string_view message);
// Reads "--name VALUE" or "--name=VALUE" at args[i]; advances i past it.
bool option_value(args_t args, std::size_t& i, std::string_view name, std::string& value);
// Each diagnostic's headline on stderr.
void print_diagnostics(const icm::diagnostics& diags);
// Clang-style diagnostics with source lines when `source` is the plan text.
void print_diagnostics(const icm::diagnostics& diags, std::string_view source);

int run_check(args_t args);
int run_run(args_t args);
int run_explain(args_t args);
int run_validate(args_t args);

}  // namespace icm::cli
