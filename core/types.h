// Types that carry meaning across the kernel: a vector number is not a CPU
// index is not an address. Freestanding, also compiled on the host
// (tests/core/); the simulator keeps plain host integers of its own
// (sim/host_types.h) for the same names.
//
// CpuId, Vector, Cycles, VirtAddr and PhysAddr are distinct types: none converts
// into another, so swapped arguments (send_ipi(vector, cpu),
// map_user_page(page, root)) do not compile (tests/core/types_test.cpp). Each
// reads out as its raw integer, so indexing, comparing and arithmetic read as
// before. A raw integer becomes a Vector only explicitly (Vector{0xEC},
// static_cast); it becomes a CpuId or an address implicitly, as counts, loops
// and address arithmetic make them: C++ takes at most one user-defined
// conversion, so the way from one of the structs to another (out to the
// integer, in to the other) is never implicit, and a Vector is refused by a
// deleted constructor. They compile to the code of the integers they replace
// (one member each; the vector an enum, so its constants stay immediates).
#pragma once

#include <cstdint>

namespace pristine {

// An interrupt vector, 0-255: the index into the IDT. An enum, not a struct:
// a constant stays an immediate and the value passes as the byte it was.
enum Vector : std::uint8_t {};

// A point in time or a duration in CPU cycles (machine::now() units: modeled
// cycles in the simulator, the TSC on the PC). An enum like Vector, not a
// struct: GCC optimizes a one-member struct less well (min/max lose their
// cmov, ternaries become branches: +3 instructions on the null syscall when
// this was a struct), an enum compiles exactly as the integer. Arithmetic
// reads out as the integer; a result becomes Cycles again explicitly.
enum Cycles : std::uint64_t {};
// Times and durations add and subtract to Cycles; anything else reads out as
// the integer (a count of ticks times a period is made Cycles explicitly).
constexpr Cycles operator+(Cycles a, Cycles b) { return Cycles{std::uint64_t{a} + std::uint64_t{b}}; }
constexpr Cycles operator-(Cycles a, Cycles b) { return Cycles{std::uint64_t{a} - std::uint64_t{b}}; }
constexpr Cycles& operator+=(Cycles& a, Cycles b) { return a = a + b; }
constexpr Cycles& operator-=(Cycles& a, Cycles b) { return a = a - b; }

// Index of a CPU, 0-based, dense.
struct CpuId {
  std::uint32_t value;
  CpuId() = default;
  constexpr CpuId(std::uint32_t raw) : value(raw) {}
  CpuId(Vector) = delete;  // a vector reads out as an integer: not as a CpuId
  CpuId(Cycles) = delete;  // nor does a time
  constexpr operator std::uint32_t() const { return value; }
  constexpr CpuId& operator++() {
    ++value;
    return *this;
  }
};

// A virtual address (kernel or user).
struct VirtAddr {
  std::uint64_t value;
  VirtAddr() = default;
  constexpr VirtAddr(std::uint64_t raw) : value(raw) {}
  VirtAddr(Vector) = delete;  // a vector reads out as an integer: not as a VirtAddr
  VirtAddr(Cycles) = delete;  // nor does a time
  constexpr operator std::uint64_t() const { return value; }
};

// A physical address (a page-table root, a frame).
struct PhysAddr {
  std::uint64_t value;
  PhysAddr() = default;
  constexpr PhysAddr(std::uint64_t raw) : value(raw) {}
  PhysAddr(Vector) = delete;  // a vector reads out as an integer: not as a PhysAddr
  PhysAddr(Cycles) = delete;  // nor does a time
  constexpr operator std::uint64_t() const { return value; }
};

// The address of an object, and the object at an address.
inline VirtAddr address_of(const volatile void* object) { return VirtAddr{reinterpret_cast<std::uintptr_t>(object)}; }
template <typename T>
T* pointer_to(VirtAddr address) {
  return reinterpret_cast<T*>(address.value);
}

}  // namespace pristine
