// Thin wrappers over privileged x86-64 instructions, for hw-x86_64/ and hw-sim/ only.
#pragma once

#include <cstdint>

#include "hw-x86_64/cpu/registers.h"

namespace pristine::x86 {

inline std::uint64_t rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (std::uint64_t{hi} << 32) | lo;
}

inline void wrmsr(std::uint32_t msr, std::uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<std::uint32_t>(value)),
               "d"(static_cast<std::uint32_t>(value >> 32))
               : "memory");
}

inline std::uint64_t read_cr0() { std::uint64_t v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
inline std::uint64_t read_cr2() { std::uint64_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
inline std::uint64_t read_cr3() { std::uint64_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
inline std::uint64_t read_cr4() { std::uint64_t v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
inline void write_cr0(std::uint64_t v) { asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
inline void write_cr3(std::uint64_t v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
inline void write_cr4(std::uint64_t v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

// Zeroes 4 KiB at `page` with one rep stosq: CPUs with fast strings store it
// as a burst, far faster than a loop of stores.
inline void zero_page(void* page) {
  void* dst = page;
  std::uint64_t count = 4096 / 8;
  asm volatile("rep stosq" : "+D"(dst), "+c"(count) : "a"(0) : "memory");
}

inline std::uint64_t read_rflags() {
  std::uint64_t v;
  asm volatile("pushfq; popq %0" : "=r"(v));
  return v;
}

inline void outb(std::uint16_t port, std::uint8_t value) {
  asm volatile("outb %0, %1" ::"a"(value), "Nd"(port) : "memory");
}
inline std::uint8_t inb(std::uint16_t port) {
  std::uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}
inline void outl(std::uint16_t port, std::uint32_t value) {
  asm volatile("outl %0, %1" ::"a"(value), "Nd"(port) : "memory");
}
inline std::uint32_t inl(std::uint16_t port) {
  std::uint32_t v;
  asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}

}  // namespace pristine::x86
