// What the AArch64 exception entry asks of the board's interrupt controller
// (hw-aarch64/virt/machine_board.cpp: the GICv3): acknowledge the highest
// pending interrupt and name it in core/'s vectors (core/interrupt/vectors.h).
// vectors::kSpurious when there was none; it is then never ended.
#pragma once

#include "core/types.h"

namespace pristine::aarch64 {

Vector acknowledge_interrupt();

}  // namespace pristine::aarch64
