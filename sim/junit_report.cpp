#include "sim/junit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace pristine::sim {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The code point of the UTF-8 sequence at text[i] and its length, or length 0
// if the bytes there are not well-formed UTF-8 (overlong forms, surrogates and
// values above U+10FFFF included).
std::pair<std::uint32_t, std::size_t> decode(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  std::uint32_t code = 0;
  std::uint32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, minimum = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + length > text.size()) return {0, 0};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {0, 0};
  return {code, length};
}

// XML 1.0's Char production (section 2.2).
bool xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

std::string attribute(std::string_view name, std::string_view value) {
  return fmt::format(" {}=\"{}\"", name, xml_escape(value, true));
}

}  // namespace

std::size_t JunitSuite::failures() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const JunitCase& c) {
    return c.outcome == JunitCase::Outcome::Failed;
  }));
}

std::size_t JunitSuite::skipped() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const JunitCase& c) {
    return c.outcome == JunitCase::Outcome::Skipped;
  }));
}

std::string xml_escape(std::string_view text, bool in_attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto [code, length] = decode(text, i);
    if (length == 0 || !xml_char(code)) {
      out += kReplacement;
      i += length == 0 ? 1 : length;
      continue;
    }
    switch (code) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += in_attribute ? "&quot;" : "\""; break;
      case '\'': out += in_attribute ? "&apos;" : "'"; break;
      case '\t': out += in_attribute ? "&#9;" : "\t"; break;
      case '\n': out += in_attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default: out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string render_junit(std::string_view name, const std::vector<JunitSuite>& suites) {
  std::size_t tests = 0, failures = 0, skipped = 0;
  for (const JunitSuite& s : suites) {
    tests += s.cases.size();
    failures += s.failures();
    skipped += s.skipped();
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites{} tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n", attribute("name", name),
                     tests, failures, skipped);
  for (const JunitSuite& s : suites) {
    out += fmt::format("  <testsuite{} tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
                       attribute("name", s.name), s.cases.size(), s.failures(), s.skipped());
    if (!s.properties.empty()) {
      out += "    <properties>\n";
      for (const auto& [key, value] : s.properties) {
        out += fmt::format("      <property{}{}/>\n", attribute("name", key), attribute("value", value));
      }
      out += "    </properties>\n";
    }
    for (const JunitCase& c : s.cases) {
      const std::string head = fmt::format("    <testcase{}{}", attribute("classname", c.classname), attribute("name", c.name));
      switch (c.outcome) {
        case JunitCase::Outcome::Passed:
          out += head + "/>\n";
          break;
        case JunitCase::Outcome::Skipped:
          out += head + fmt::format(">\n      <skipped{}/>\n    </testcase>\n", attribute("message", c.message));
          break;
        case JunitCase::Outcome::Failed:
          out += head + fmt::format(">\n      <failure{}{}>{}</failure>\n    </testcase>\n", attribute("type", c.type),
                                    attribute("message", c.message), xml_escape(c.text, false));
          break;
      }
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace pristine::sim
