// `pristine calibrate --host` output: the table it prints and the JSON it
// writes, with the same rows and figures.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/host_calibration.h"

namespace pristine::sim {

std::string render_text(const HostCalibration& calibration);
nlohmann::ordered_json to_json(const HostCalibration& calibration);

}  // namespace pristine::sim
