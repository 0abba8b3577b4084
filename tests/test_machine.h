// A one-CPU machine running tests/guest/test_guest.S, for tests of the
// simulator's CPU-level rules. The host writes the descriptor tables the guest
// loads: GDT as in hw-x86_64/cpu/segments.h, TSS with RSP0 and IST1, and 256
// interrupt gates (DPL 0) to 16-byte `hlt` handlers.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "sim/x86_64/guest_cpu.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"

namespace pristine::sim::testing {

inline constexpr std::uint64_t kFlagIf = 1u << 9;

class TestMachine {
 public:
  TestMachine()
      : image(GuestImage::load(PRISTINE_BUILD_DIR "/tests/test_guest.elf")), memory(image), cpu(0) {
    cpu.attach(memory);
    write_gdt();
    write_tss();
    for (unsigned v = 0; v < 256; ++v) set_gate(static_cast<Vector>(v), 0, 0, true);
    set_gate(8, 1, 0, true);  // #DF on IST1
    cpu.set_reg(UC_X86_REG_RIP, image.entry());
    const uc_err err = run_until_halt();
    EXPECT_EQ(err, UC_ERR_OK) << uc_strerror(err);
    EXPECT_EQ(cpu.reg(UC_X86_REG_RIP), sym("ring0_ready") + 1) << "guest init did not reach ring0_ready";
    cpu.capture_ring0_template();
  }

  VirtAddr sym(const char* name) const { return image.symbol(name); }
  VirtAddr handler(Vector v) const { return sym("handlers") + 16u * v; }

  void set_gate(Vector v, std::uint8_t ist, std::uint8_t dpl, bool present, std::uint8_t type = 0xE) {
    const std::uint64_t h = handler(v);
    const std::uint64_t lo = (h & 0xFFFF) | (std::uint64_t{0x08} << 16) | (std::uint64_t{ist} << 32) |
                             (std::uint64_t{type} << 40) | (std::uint64_t{dpl} << 45) |
                             (std::uint64_t{present} << 47) | ((h >> 16 & 0xFFFF) << 48);
    memory.write<std::uint64_t>(sym("idt") + 16u * v, lo);
    memory.write<std::uint64_t>(sym("idt") + 16u * v + 8, h >> 32);
  }

  // Run until the guest halts (or an exception/fault stops it).
  uc_err run_until_halt() { return cpu.run(cpu.reg(UC_X86_REG_RIP)); }

  // Run from `start` and stop at the first block boundary at `stop_at`, after
  // the block there has run `rounds` times.
  void run_to(VirtAddr start, VirtAddr stop_at, int rounds) {
    struct Ctx { VirtAddr at; int left; } ctx{stop_at, rounds};
    uc_hook hook;
    auto cb = [](uc_engine* uc, std::uint64_t address, std::uint32_t, void* user) {
      auto* c = static_cast<Ctx*>(user);
      if (address == c->at && c->left-- == 0) uc_emu_stop(uc);
    };
    check(uc_hook_add(cpu.uc(), &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(+cb), &ctx, 1, 0), "hook");
    const uc_err err = cpu.run(start);
    uc_hook_del(cpu.uc(), hook);
    ASSERT_EQ(err, UC_ERR_OK);
    ASSERT_EQ(cpu.reg(UC_X86_REG_RIP), stop_at);
  }

  std::uint64_t stack_word(VirtAddr rsp, unsigned index) {
    return memory.read<std::uint64_t>(rsp + 8u * index);
  }

  GuestImage image;
  GuestMemory memory;
  GuestCpu cpu;

 private:
  void write_gdt() {
    const VirtAddr gdt = sym("gdt");
    const std::uint64_t tss = sym("tss");
    const std::uint64_t entries[5] = {0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF, 0x00CFF2000000FFFF,
                                      0x00AFFA000000FFFF};
    for (unsigned i = 0; i < 5; ++i) memory.write(gdt + 8 * i, entries[i]);
    const std::uint64_t limit = 103;
    memory.write<std::uint64_t>(gdt + 40, (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) |
                                              (std::uint64_t{0x89} << 40) | (((tss >> 24) & 0xFF) << 56));
    memory.write<std::uint64_t>(gdt + 48, tss >> 32);
  }
  void write_tss() {
    const VirtAddr tss = sym("tss");
    memory.write<std::uint64_t>(tss + 4, sym("rsp0_stack_top"));
    memory.write<std::uint64_t>(tss + 0x24, sym("ist1_stack_top"));
  }
};

}  // namespace pristine::sim::testing
