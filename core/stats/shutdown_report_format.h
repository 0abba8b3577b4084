// The format of the kernel's shutdown report: its version and its words, from
// shutdown_report_format.def. Shared by the kernel's writer
// (shutdown_report.cpp) and the host's reader (sim/shutdown_report.cpp);
// freestanding, so both sides compile it.
#pragma once

namespace pristine::report {

inline constexpr unsigned kShutdownReportVersion = 6;
inline constexpr const char* kHeader = "pristine-report";  // then " v<version>"
inline constexpr const char* kEnd = "end-of-report";

// The record words: report::record::kTask is "task".
namespace record {
#define PRISTINE_REPORT_RECORD(name, word, subject) inline constexpr const char* k##name = word;
#define PRISTINE_REPORT_FIELD(record, name, word)
#include "core/stats/shutdown_report_format.def"
#undef PRISTINE_REPORT_RECORD
#undef PRISTINE_REPORT_FIELD
}  // namespace record

// The field words, per record: report::field::kTaskProgress is "progress".
namespace field {
#define PRISTINE_REPORT_RECORD(name, word, subject)
#define PRISTINE_REPORT_FIELD(record, name, word) inline constexpr const char* k##record##name = word;
#include "core/stats/shutdown_report_format.def"
#undef PRISTINE_REPORT_RECORD
#undef PRISTINE_REPORT_FIELD
}  // namespace field

}  // namespace pristine::report
