// The kernel's vector functions for the simulator's plain-integer vectors
// (sim/host_types.h): a raw integer does not become a kernel Vector
// implicitly, so the host gets overloads that take one. Host only.
#pragma once

#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/exception_vectors.h"

namespace pristine::vectors {

constexpr const char* handler_name(unsigned v) { return handler_name(Vector{v}); }
constexpr bool is_exception(unsigned v) { return is_exception(Vector{v}); }
constexpr bool is_device(unsigned v) { return is_device(Vector{v}); }
constexpr bool has_error_code(unsigned v) { return has_error_code(Vector{v}); }

}  // namespace pristine::vectors
