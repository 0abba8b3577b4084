// A simulator run as JUnit test cases (`pristine sim --junit`,
// docs/ci-results.md): one case per measured path, passed when within its
// budget; one per end-of-run invariant, failed with its violations' messages
// when the run broke it; and one per other violation kind the run raised
// (run-time checks, pristine-path rules, a kernel fault).
#pragma once

#include "sim/junit_report.h"
#include "sim/report.h"

namespace pristine::sim {

JunitSuite junit_suite(const Report& report);

}  // namespace pristine::sim
