// TOML files from users (scenarios, budgets) are untrusted input. The TOML
// library recurses over nested tables (a dotted key or table header of tens
// of thousands of parts overflows the stack when the document is built or
// destroyed), so a file is scanned for its shape before it is parsed, and
// refused with FILE:LINE when it exceeds these limits (docs/input-limits.md,
// "Scenario and budget files").
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <toml++/toml.h>

namespace pristine::sim {

struct TomlLimits {
  static constexpr std::size_t kMaxFileBytes = 1 << 20;  // 1 MiB: shipped files are a few KiB
  static constexpr std::size_t kMaxKeyParts = 16;        // parts of one dotted key or table header
  static constexpr std::size_t kMaxKeyBytes = 256;       // bytes of one dotted key or table header
  static constexpr std::size_t kMaxValueNesting = 16;    // arrays and inline tables inside a value
};

// Scan `text` against TomlLimits, then parse it with toml++. Throws
// ScenarioError ("FILE:LINE: : message") for a file over a limit or a TOML
// syntax error; `file` only names the source in errors.
toml::table parse_toml_input(std::string_view text, const std::filesystem::path& file);

}  // namespace pristine::sim
