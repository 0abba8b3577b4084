// The kernel's vector functions for the simulator's plain-integer vectors
// (sim/host_types.h): a raw integer does not become a kernel Vector
// implicitly, so the host gets overloads that take one. Host only.
#pragma once

#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/exception_vectors.h"

namespace pristine::vectors {

// A host integer past 255 is no vector at all: it names nothing and has no
// property, rather than wrapping onto a real vector.
constexpr bool fits(unsigned v) { return v < 256; }
constexpr Vector as_vector(unsigned v) { return static_cast<Vector>(static_cast<uint8_t>(v)); }

constexpr const char* handler_name(unsigned v) { return fits(v) ? handler_name(as_vector(v)) : "not-a-vector"; }
constexpr bool is_exception(unsigned v) { return fits(v) && is_exception(as_vector(v)); }
constexpr bool is_device(unsigned v) { return fits(v) && is_device(as_vector(v)); }
constexpr bool has_error_code(unsigned v) { return fits(v) && has_error_code(as_vector(v)); }

}  // namespace pristine::vectors
