// Every instruction of the image's executable segments that matches a
// predicate, by a linear sweep with Capstone (the kernel image has no data in
// its text). For hooks that must be installed before any code is translated.
#pragma once

#include <capstone/capstone.h>

#include <functional>
#include <vector>

#include "core/types.h"
#include "sim/guest_image.h"

namespace pristine::sim {

std::vector<VirtAddr> find_instructions(const GuestImage& image, const std::function<bool(const cs_insn&)>& match);

}  // namespace pristine::sim
