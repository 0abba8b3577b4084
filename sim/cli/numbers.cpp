#include "sim/cli/numbers.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

namespace pristine::cli {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `text` quoted for a message, with bytes that would not print shown as \xNN.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text.substr(0, 64)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte >= 0x20 && byte < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", byte);
  }
  return out + (text.size() > 64 ? "...\"" : "\"");
}

template <class T>
std::string range_text(T min, T max) {
  return fmt::format("{} to {}", min, max);
}

CLI::Option* add_number_option(CLI::App& app, const std::string& flag, std::function<void(const std::string&)> parse,
                               const std::string& description, const std::string& type_name) {
  auto* option = app.add_option(
      flag,
      [parse](const CLI::results_t& results) {
        for (const std::string& text : results) parse(text);
        return true;
      },
      description, false);
  option->expected(1)->type_name(type_name);
  return option;
}

}  // namespace

std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t min, std::uint64_t max,
                                                std::string& why) {
  const std::string expected = fmt::format("expected a whole number from {}", range_text(min, max));
  if (text.empty()) {
    why = fmt::format("empty: {}", expected);
    return std::nullopt;
  }
  if (!std::all_of(text.begin(), text.end(), is_digit)) {
    why = fmt::format("{} is not a number: {} (decimal digits only: no sign, spaces, exponent or suffix)",
                      quoted(text), expected);
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range || (error == std::errc{} && (value < min || value > max))) {
    why = fmt::format("{} is out of range: {}", quoted(text), expected);
    return std::nullopt;
  }
  if (error != std::errc{} || end != text.data() + text.size()) {
    why = fmt::format("{} is not a number: {}", quoted(text), expected);
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_decimal_number(std::string_view text, double min, double max, std::string& why) {
  const std::string expected = fmt::format("expected a decimal number from {}", range_text(min, max));
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  const bool digits_only = std::all_of(whole.begin(), whole.end(), is_digit) &&
                           std::all_of(fraction.begin(), fraction.end(), is_digit);
  if (text.empty()) {
    why = fmt::format("empty: {}", expected);
    return std::nullopt;
  }
  if (!digits_only || (whole.empty() && fraction.empty())) {
    why = fmt::format("{} is not a number: {} (digits and one decimal point only: no sign, spaces, exponent or suffix)",
                      quoted(text), expected);
    return std::nullopt;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (error == std::errc::result_out_of_range || (error == std::errc{} && !(value >= min && value <= max))) {
    why = fmt::format("{} is out of range: {}", quoted(text), expected);
    return std::nullopt;
  }
  if (error != std::errc{} || end != text.data() + text.size()) {
    why = fmt::format("{} is not a number: {}", quoted(text), expected);
    return std::nullopt;
  }
  return value;
}

namespace {

// A flag whose value `parse` checks (a parse_*_number function); a bad value
// is refused naming the flag.
template <typename T, typename Parse>
CLI::Option* add_checked_number_option(CLI::App& app, const std::string& flag, T min, T max, Parse parse,
                                       std::function<void(T)> set, const std::string& description,
                                       const char* type) {
  return add_number_option(
      app, flag,
      [flag, min, max, parse, set](const std::string& text) {
        std::string why;
        const auto value = parse(text, min, max, why);
        if (!value) throw CLI::ValidationError(flag, why);
        set(*value);
      },
      description, fmt::format("{}:{}..{}", type, min, max));
}

}  // namespace

CLI::Option* add_whole_number_option(CLI::App& app, const std::string& flag, std::uint64_t min, std::uint64_t max,
                                     std::function<void(std::uint64_t)> set, const std::string& description) {
  return add_checked_number_option(app, flag, min, max, parse_whole_number, std::move(set), description, "UINT");
}

CLI::Option* add_decimal_number_option(CLI::App& app, const std::string& flag, double min, double max,
                                       std::function<void(double)> set, const std::string& description) {
  return add_checked_number_option(app, flag, min, max, parse_decimal_number, std::move(set), description, "DECIMAL");
}

}  // namespace pristine::cli
