// The names of vectors and measured paths, as each guest architecture's
// kernel gives them (core/interrupt/vectors.h's handler_name with that
// architecture's arch/vectors.h): x86-64's vector 14 is "page-fault",
// AArch64's exception slot 5 "data-abort". Reports, traces, budgets and
// scenario files use these names.
//
// Each architecture's table is built at compile time in a file compiled with
// its own arch/ headers (vector_names_x86_64.cpp, vector_names_aarch64.cpp):
// core's handler_name has one symbol and a body per architecture, so host
// code that runs for both must never call it, only read these tables.
#pragma once

#include <array>
#include <string>

#include "sim/guest_architecture.h"
#include "sim/path_id.h"

namespace pristine::sim {

struct ArchitectureVectors {
  std::array<const char*, 256> names;
  // Faults that leave the address they accessed in a register (x86-64's #PF
  // in CR2, AArch64's aborts in FAR_EL1), and that register's name.
  std::array<bool, 256> has_fault_address;
  const char* fault_address_register;
};

extern const ArchitectureVectors kX86_64Vectors;
extern const ArchitectureVectors kAarch64Vectors;

inline const ArchitectureVectors& architecture_vectors(GuestArchitecture arch) {
  return arch == GuestArchitecture::Aarch64 ? kAarch64Vectors : kX86_64Vectors;
}

// A plain integer past 255 names no vector.
inline const char* vector_name(GuestArchitecture arch, unsigned vector) {
  return vector > 255 ? "not-a-vector" : architecture_vectors(arch).names[vector];
}

inline std::string path_name(GuestArchitecture arch, PathId p, bool switched) {
  std::string name = is_syscall_path(p) ? syscall_name(p - kSyscallPathBase) : vector_name(arch, p);
  return switched ? name + "+switch" : name;
}

}  // namespace pristine::sim
