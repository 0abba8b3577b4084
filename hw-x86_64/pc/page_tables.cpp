#include "hw-x86_64/pc/page_tables.h"

#include <cstdint>

#include "hw-x86_64/cpu/instructions.h"

extern "C" {
extern std::uint64_t boot_pd[512];
extern char __user_start[], __user_data_start[], __user_end[];
}

namespace pristine::pc {
namespace {

constexpr std::uint64_t kPresent = 1, kWrite = 2, kUser = 4;
constexpr std::uint64_t kNoExecute = std::uint64_t{1} << 63;
constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kLargePage = 2 * 1024 * 1024;
constexpr std::uint64_t kHigherHalf = 0xFFFFFFFF80000000;

alignas(4096) std::uint64_t g_user_page_table[512];

}  // namespace

void refine_user_mappings() {
  const auto start = reinterpret_cast<std::uint64_t>(__user_start);
  const auto data = reinterpret_cast<std::uint64_t>(__user_data_start);
  const auto end = reinterpret_cast<std::uint64_t>(__user_end);
  const bool nx = (x86::rdmsr(x86::kMsrEfer) & (1u << 11)) != 0;
  const std::uint64_t base = start & ~(kLargePage - 1);
  for (unsigned i = 0; i < 512; ++i) {
    const std::uint64_t address = base + i * kPage;  // identity: virtual == physical
    std::uint64_t entry = 0;
    if (address >= start && address < data) entry = address | kPresent | kUser;
    if (address >= data && address < end) entry = address | kPresent | kWrite | kUser | (nx ? kNoExecute : 0);
    g_user_page_table[i] = entry;
  }
  // The table is in the kernel image: its physical address is virtual - higher half.
  const auto table_phys = reinterpret_cast<std::uint64_t>(g_user_page_table) - kHigherHalf;
  boot_pd[base / kLargePage] = table_phys | kPresent | kWrite | kUser;
  x86::write_cr3(x86::read_cr3());  // flush the old 2 MiB translation
}

}  // namespace pristine::pc
