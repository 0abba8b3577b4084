// The one host reader of the kernel's shutdown report (written by
// core/stats/shutdown_report.cpp, format in
// core/stats/shutdown_report_format.def): `pristine calibrate` and the QEMU
// boot tests read the PC kernel's console through it.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pristine::sim {

// The console held no report, or one this reader does not read (another
// version, an unknown word, a truncated or malformed line). The message says
// which, with the line.
class ShutdownReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One bucket of a histogram field: `low..high:count`, bounds inclusive.
struct ReportBucket {
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  std::uint64_t count = 0;
};

// One line: `<record> <subject> [<field> <value>]...`.
struct ReportRecord {
  std::string record;
  std::string subject;
  std::vector<std::pair<std::string, std::string>> fields;

  bool has(std::string_view field) const;
  // The field's value; throws ShutdownReportError naming the record if absent.
  const std::string& text(std::string_view field) const;
  // A decimal or 0x-hexadecimal value, as text() finds it.
  std::uint64_t number(std::string_view field) const;
  // A histogram field, `low..high:count,...`: ascending, non-overlapping,
  // non-empty buckets; throws ShutdownReportError naming the field otherwise.
  std::vector<ReportBucket> buckets(std::string_view field) const;
};

struct ShutdownReport {
  unsigned version = 0;
  std::vector<ReportRecord> records;  // in the order written

  std::vector<const ReportRecord*> all(std::string_view record) const;
  // The record with this subject; throws ShutdownReportError if absent.
  const ReportRecord& get(std::string_view record, std::string_view subject) const;
  const ReportRecord* find(std::string_view record, std::string_view subject) const;
  bool passed() const;  // the verdict record says pass
};

// The report in a console transcript (anything before its header is
// skipped; carriage returns are ignored). Throws ShutdownReportError.
ShutdownReport read_shutdown_report(std::string_view console);

// A path's span statistics merged over CPUs: counts add, min is the least,
// mean is weighted by count.
struct MergedPath {
  std::uint64_t count = 0;
  std::uint64_t min = 0;
  double mean = 0;
};
std::vector<std::pair<std::string, MergedPath>> merged_paths(const ShutdownReport& shutdown);

}  // namespace pristine::sim
