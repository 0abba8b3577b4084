#include "sim/shutdown_report.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "core/stats/shutdown_report_format.h"

namespace pristine::sim {
namespace {

// Every (record, field) pair of the format, from the list the kernel writes with.
struct FieldOfRecord {
  std::string_view record;
  std::string_view field;
};

#define PRISTINE_REPORT_RECORD(name, word, subject)
#define PRISTINE_REPORT_FIELD(record_name, name, word) {report::record::k##record_name, word},
constexpr FieldOfRecord kFields[] = {
#include "core/stats/shutdown_report_format.def"
};
#undef PRISTINE_REPORT_RECORD
#undef PRISTINE_REPORT_FIELD

#define PRISTINE_REPORT_RECORD(name, word, subject) word,
#define PRISTINE_REPORT_FIELD(record_name, name, word)
constexpr std::string_view kRecords[] = {
#include "core/stats/shutdown_report_format.def"
};
#undef PRISTINE_REPORT_RECORD
#undef PRISTINE_REPORT_FIELD

bool known_record(std::string_view record) {
  return std::find(std::begin(kRecords), std::end(kRecords), record) != std::end(kRecords);
}

bool known_field(std::string_view record, std::string_view field) {
  return std::any_of(std::begin(kFields), std::end(kFields),
                     [&](const FieldOfRecord& f) { return f.record == record && f.field == field; });
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string header() { return std::string(report::kHeader) + " v"; }

ShutdownReportError bad_line(std::size_t number, const std::string& line, const std::string& why) {
  return ShutdownReportError("shutdown report, line " + std::to_string(number) + " '" + line + "': " + why);
}

}  // namespace

bool ReportRecord::has(std::string_view field) const {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == field; });
}

const std::string& ReportRecord::text(std::string_view field) const {
  for (const auto& [name, value] : fields) {
    if (name == field) return value;
  }
  throw ShutdownReportError("shutdown report: " + record + " " + subject + " has no " + std::string(field));
}

std::uint64_t ReportRecord::number(std::string_view field) const {
  const std::string& value = text(field);
  const bool hex = value.rfind("0x", 0) == 0;
  const char* first = value.data() + (hex ? 2 : 0);
  const char* last = value.data() + value.size();
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(first, last, n, hex ? 16 : 10);
  if (error != std::errc() || end != last || first == last) {
    throw ShutdownReportError("shutdown report: " + record + " " + subject + " " + std::string(field) + " '" +
                              value + "' is not a number");
  }
  return n;
}

std::vector<ReportBucket> ReportRecord::buckets(std::string_view field) const {
  const std::string& value = text(field);
  auto bad = [&](const char* why) {
    return ShutdownReportError("shutdown report: " + record + " " + subject + " " + std::string(field) + " '" +
                               value + "': " + why);
  };
  // All of `digits` as a decimal number.
  auto decimal = [&](std::string_view digits) {
    std::uint64_t n = 0;
    const auto [last, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n, 10);
    if (digits.empty() || error != std::errc() || last != digits.data() + digits.size()) {
      throw bad("expected low..high:count");
    }
    return n;
  };
  std::vector<ReportBucket> result;
  std::string_view rest = value;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const std::size_t dots = item.find("..");
    const std::size_t colon = item.find(':');
    if (dots == std::string_view::npos || colon == std::string_view::npos || colon < dots) {
      throw bad("expected low..high:count");
    }
    const ReportBucket bucket{.low = decimal(item.substr(0, dots)),
                              .high = decimal(item.substr(dots + 2, colon - dots - 2)),
                              .count = decimal(item.substr(colon + 1))};
    if (bucket.low > bucket.high) throw bad("a bucket's low bound is above its high bound");
    if (bucket.count == 0) throw bad("an empty bucket");
    if (!result.empty() && bucket.low <= result.back().high) throw bad("buckets out of order or overlapping");
    result.push_back(bucket);
    if (comma == std::string_view::npos) return result;
    rest.remove_prefix(comma + 1);
  }
}

std::vector<const ReportRecord*> ShutdownReport::all(std::string_view record) const {
  std::vector<const ReportRecord*> found;
  for (const ReportRecord& r : records) {
    if (r.record == record) found.push_back(&r);
  }
  return found;
}

const ReportRecord* ShutdownReport::find(std::string_view record, std::string_view subject) const {
  for (const ReportRecord& r : records) {
    if (r.record == record && r.subject == subject) return &r;
  }
  return nullptr;
}

const ReportRecord& ShutdownReport::get(std::string_view record, std::string_view subject) const {
  if (const ReportRecord* r = find(record, subject)) return *r;
  throw ShutdownReportError("shutdown report: no " + std::string(record) + " " + std::string(subject));
}

bool ShutdownReport::passed() const { return find(report::record::kVerdict, "pass") != nullptr; }

ShutdownReport read_shutdown_report(std::string_view console) {
  std::istringstream in{std::string(console)};
  std::string line;
  std::size_t number = 0;
  const std::string expected_header = header() + std::to_string(report::kShutdownReportVersion);
  bool in_report = false;
  ShutdownReport result;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!in_report) {
      if (line.rfind(report::kHeader, 0) != 0) continue;
      if (line != expected_header) {
        throw bad_line(number, line,
                       "this reader reads format v" + std::to_string(report::kShutdownReportVersion) +
                           " only (core/stats/shutdown_report_format.h): the kernel and the host are out of step");
      }
      in_report = true;
      result.version = report::kShutdownReportVersion;
      continue;
    }
    if (line == report::kEnd) return result;
    const std::vector<std::string> words = words_of(line);
    if (words.size() < 2 || words.size() % 2 != 0) {
      throw bad_line(number, line, "not `<record> <subject> [<field> <value>]...`");
    }
    if (!known_record(words[0])) throw bad_line(number, line, "unknown record '" + words[0] + "'");
    ReportRecord record{words[0], words[1], {}};
    for (std::size_t i = 2; i < words.size(); i += 2) {
      if (!known_field(words[0], words[i])) {
        throw bad_line(number, line, "unknown field '" + words[i] + "' of " + words[0]);
      }
      record.fields.push_back({words[i], words[i + 1]});
    }
    result.records.push_back(std::move(record));
  }
  if (in_report) throw ShutdownReportError("shutdown report: truncated (no " + std::string(report::kEnd) + " line)");
  throw ShutdownReportError("no shutdown report in the console (no '" + header() + "' line)");
}

std::vector<std::pair<std::string, MergedPath>> merged_paths(const ShutdownReport& shutdown) {
  namespace field = report::field;
  std::vector<std::pair<std::string, MergedPath>> paths;
  for (const ReportRecord* r : shutdown.all(report::record::kPath)) {
    const std::uint64_t count = r->number(field::kPathCount);
    const std::uint64_t min = r->number(field::kPathMin);
    const double mean = static_cast<double>(r->number(field::kPathMean));
    auto it = std::find_if(paths.begin(), paths.end(), [&](const auto& p) { return p.first == r->subject; });
    if (it == paths.end()) {
      paths.push_back({r->subject, {count, min, mean}});
      continue;
    }
    MergedPath& s = it->second;
    s.mean = (s.mean * static_cast<double>(s.count) + mean * static_cast<double>(count)) /
             static_cast<double>(s.count + count);
    s.count += count;
    s.min = std::min(s.min, min);
  }
  return paths;
}

}  // namespace pristine::sim
