// Numbers on the command line, parsed strictly by one parser for every
// numeric flag (docs/input-limits.md, "Command line and output files"):
// decimal digits only (and one decimal point where fractions are allowed), no
// sign, no spaces, no exponent, no hexadecimal, no "inf" or "nan", nothing
// after the number, within the flag's documented range. Anything else is
// refused naming the flag (exit 2), never wrapped, saturated or ignored.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pristine::cli {

// The value of `text` as a whole number in [min, max], or nullopt with the
// reason in `why`.
std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t min, std::uint64_t max,
                                                std::string& why);

// The value of `text` as a decimal number ("2", "0.25", ".5") in [min, max],
// or nullopt with the reason in `why`.
std::optional<double> parse_decimal_number(std::string_view text, double min, double max, std::string& why);

// A flag taking a whole number in [min, max]; `set` receives it. A bad value
// fails the parse with a CLI::ValidationError naming the flag.
CLI::Option* add_whole_number_option(CLI::App& app, const std::string& flag, std::uint64_t min, std::uint64_t max,
                                     std::function<void(std::uint64_t)> set, const std::string& description);

// A flag taking a decimal number in [min, max].
CLI::Option* add_decimal_number_option(CLI::App& app, const std::string& flag, double min, double max,
                                       std::function<void(double)> set, const std::string& description);

}  // namespace pristine::cli
