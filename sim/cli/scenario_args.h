// A scenario's tasks and tick rate as PC kernel command-line words
// (docs/boot.md): `pristine boot --scenario` and `pristine calibrate`.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario.h"

namespace pristine::cli {

std::vector<std::string> kernel_args_for(const sim::Scenario& scenario);

}  // namespace pristine::cli
