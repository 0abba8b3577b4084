#include "sim/toml_input.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/scenario.h"

namespace pristine::sim {
namespace {

// A lexical pass over the text, just enough TOML to find keys, table headers
// and value nesting: strings (basic, literal, multi-line) and comments are
// skipped, so a '.', '[' or '{' inside them counts for nothing. It never
// recurses and reads each byte once. Anything it does not understand is left
// to toml++, which reports the syntax error.
class ShapeScanner {
 public:
  ShapeScanner(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  void scan() {
    if (text_.size() > TomlLimits::kMaxFileBytes) {
      throw ScenarioError(file_, 0, "",
                          fmt::format("the file is {} bytes: a scenario or budgets file may have at most {} bytes",
                                      text_.size(), TomlLimits::kMaxFileBytes));
    }
    bool expect_key = true;  // at the start of a statement, or inside an inline table after '{' or ','
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte order mark
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      check_ascii();
      if (c == '\n') {
        ++line_;
        ++pos_;
        if (nesting_.empty()) expect_key = true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
        continue;
      }
      if (c == '#') {
        skip_comment();
        continue;
      }
      if (expect_key && nesting_.empty() && c == '[') {
        scan_header();
        expect_key = false;
        continue;
      }
      if (expect_key && c == '}' && !nesting_.empty()) {  // an empty inline table, or a trailing comma
        nesting_.pop_back();
        ++pos_;
        expect_key = false;
        continue;
      }
      if (expect_key) {
        scan_key('=');
        expect_key = false;
        last_ = '=';
        continue;
      }
      // A value. A quote opens a string only where a value may start (toml++
      // reads `0'x` as a bad number, not as 0 and a string).
      const char last = last_;
      last_ = c;
      switch (c) {
        case '"':
        case '\'':
          if (last != '=' && last != '[' && last != ',' && last != '{') break;
          skip_string();
          continue;
        case '[':
        case '{':
          nesting_.push_back(c);
          if (nesting_.size() > TomlLimits::kMaxValueNesting) {
            throw ScenarioError(file_, line_, "",
                                fmt::format("arrays and inline tables nested more than {} deep",
                                            TomlLimits::kMaxValueNesting));
          }
          expect_key = c == '{';
          break;
        case ']':
        case '}':
          if (!nesting_.empty()) nesting_.pop_back();
          break;
        case ',':
          expect_key = !nesting_.empty() && nesting_.back() == '{';
          break;
        default:
          break;
      }
      ++pos_;
    }
  }

 private:
  // TOML 1.0 allows non-ASCII text only in strings and comments. toml++ 3.3
  // classifies such a byte elsewhere with lookup tables that reach
  // __builtin_unreachable for some code points (U+00A1-U+0499, U+FEA0-U+FEFE):
  // undefined behaviour, so it is refused here first.
  void check_ascii() const {
    const auto u = static_cast<unsigned char>(text_[pos_]);
    if (u >= 0x80) {
      throw ScenarioError(file_, line_, "",
                          fmt::format("byte {:#04x} outside a string or comment: TOML allows non-ASCII text only in "
                                      "strings and comments",
                                      u));
    }
  }

  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  static bool starts_key(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '"' || c == '\'';
  }

  void skip_comment() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }

  // At a quote: past the string, counting its lines. Returns its length in bytes.
  std::size_t skip_string() {
    const std::size_t begin = pos_;
    const char quote = text_[pos_];
    const bool multi = text_.substr(pos_, 3) == std::string(3, quote);
    pos_ += multi ? 3 : 1;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        if (!multi) return pos_ - begin;  // unterminated: toml++ says so
      }
      if (c == '\\' && quote == '"') {
        pos_ += 2;
        continue;
      }
      if (c == quote) {
        if (!multi) {
          ++pos_;
          return pos_ - begin;
        }
        if (text_.substr(pos_, 3) == std::string(3, quote)) {
          pos_ += 3;
          // Up to two more quotes belong to the content ("""a""""" ends after them).
          for (int i = 0; i < 2 && pos_ < text_.size() && text_[pos_] == quote; ++i) ++pos_;
          return pos_ - begin;
        }
      }
      ++pos_;
    }
    return pos_ - begin;
  }

  // `[a.b]` or `[[a.b]]` at the start of a statement.
  void scan_header() {
    ++pos_;
    skip_blanks();
    if (pos_ < text_.size() && text_[pos_] == '[') ++pos_;
    skip_blanks();
    // toml++ 3.3 asserts that a key starts here (an abort in a build with
    // assertions, an unchecked assumption without): say so first.
    if (pos_ < text_.size() && text_[pos_] != ']' && !starts_key(text_[pos_])) {
      throw ScenarioError(file_, line_, "",
                          "Error while parsing table header: expected a bare key or a quoted key after '['");
    }
    scan_key(']');
    while (pos_ < text_.size() && text_[pos_] == ']') ++pos_;
  }

  // A dotted key, up to `end` ('=' or ']'), the end of the line, or anything
  // a key cannot hold. Counts its parts and bytes.
  void scan_key(char end) {
    const std::uint32_t line = line_;
    const std::size_t begin = pos_;
    std::size_t parts = 1;
    char last = '.';  // the last non-blank character: a quote opens a string only at the start of a part
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == end || c == '\n' || c == '#' || c == '}' || c == ',') break;
      check_ascii();
      const char before = last;
      if (c != ' ' && c != '\t') last = c;
      if ((c == '"' || c == '\'') && before == '.') {
        skip_string();
        if (pos_ - begin > TomlLimits::kMaxKeyBytes) too_long(line, begin);
        continue;
      }
      if (c == '.') {
        if (++parts > TomlLimits::kMaxKeyParts) {
          throw ScenarioError(file_, line, "",
                              fmt::format("the key or table header '{}...' has more than {} dotted parts",
                                          excerpt(begin), TomlLimits::kMaxKeyParts));
        }
      }
      ++pos_;
      if (pos_ - begin > TomlLimits::kMaxKeyBytes) too_long(line, begin);
    }
    if (pos_ < text_.size() && text_[pos_] == end) ++pos_;
  }

  [[noreturn]] void too_long(std::uint32_t line, std::size_t begin) const {
    throw ScenarioError(file_, line, "",
                        fmt::format("the key or table header '{}...' is longer than {} bytes", excerpt(begin),
                                    TomlLimits::kMaxKeyBytes));
  }

  // The start of a key for a message: printable ASCII only, at most 24 bytes.
  std::string excerpt(std::size_t begin) const {
    std::string out;
    for (std::size_t i = begin; i < text_.size() && out.size() < 24; ++i) {
      const auto u = static_cast<unsigned char>(text_[i]);
      if (u == '\n') break;
      out += u >= 0x20 && u < 0x7F ? static_cast<char>(u) : '?';
    }
    return out;
  }

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::vector<char> nesting_;
  char last_ = '=';  // the last character of a value read, outside strings and comments
};

}  // namespace

toml::table parse_toml_input(std::string_view text, const std::filesystem::path& file) {
  ShapeScanner(text, file.string()).scan();
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    throw ScenarioError(file.string(), static_cast<std::uint32_t>(e.source().begin.line), "",
                        std::string(e.description()));
  }
}

}  // namespace pristine::sim
