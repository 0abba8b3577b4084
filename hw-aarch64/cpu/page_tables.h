// AArch64 stage-1 translation tables, 4 KiB granule, 39-bit virtual
// addresses (three levels: 1 GiB, 2 MiB, 4 KiB per entry): the descriptor
// encoding (Arm ARM, D8.3 "Translation table descriptor formats") and a
// builder over a fixed pool of tables. The builder reaches a next-level
// table through `window` + its physical address: 0 while the MMU is off
// (boot), the kernel's linear-map offset once it is on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine::aarch64 {

inline constexpr std::uint64_t kPageSize = 4096;
inline constexpr std::uint64_t kBlockSize = 2 * 1024 * 1024;
inline constexpr unsigned kVirtualAddressBits = 39;  // TCR_EL1.T0SZ = T1SZ = 64 - 39

// MAIR_EL1 attribute indexes (the boot code programs MAIR_EL1 to match).
inline constexpr std::uint64_t kAttrDevice = 0;  // Device-nGnRE
inline constexpr std::uint64_t kAttrNormal = 1;  // Normal, write-back cacheable
inline constexpr std::uint64_t kMairValue = (0x04ull << (8 * kAttrDevice)) | (0xffull << (8 * kAttrNormal));

// What a mapping allows.
struct Access {
  bool writable = false;
  bool user = false;             // EL0 may access (AP[1])
  bool user_executable = false;  // !UXN
  bool kernel_executable = false;  // !PXN
  bool device = false;
};

namespace descriptor {
inline constexpr std::uint64_t kValid = 1ull << 0;
inline constexpr std::uint64_t kTable = 1ull << 1;  // levels 1-2: next-level table; level 3: page
inline constexpr std::uint64_t kUser = 1ull << 6;   // AP[1]: EL0 access
inline constexpr std::uint64_t kReadOnly = 1ull << 7;  // AP[2]
inline constexpr std::uint64_t kInnerShareable = 3ull << 8;
inline constexpr std::uint64_t kAccessFlag = 1ull << 10;
inline constexpr std::uint64_t kNotGlobal = 1ull << 11;
inline constexpr std::uint64_t kPrivilegedNoExecute = 1ull << 53;  // PXN
inline constexpr std::uint64_t kUserNoExecute = 1ull << 54;        // UXN
inline constexpr std::uint64_t kAddressMask = 0x0000'ffff'ffff'f000ull;
}  // namespace descriptor

// The leaf descriptor (level-3 page, or level-1/2 block with `block`) for
// `physical` with `access`.
constexpr std::uint64_t leaf_descriptor(std::uint64_t physical, Access access, bool block) {
  namespace d = descriptor;
  std::uint64_t v = (physical & d::kAddressMask) | d::kValid | d::kAccessFlag | (block ? 0 : d::kTable);
  v |= (access.device ? kAttrDevice : kAttrNormal) << 2;
  if (!access.device) v |= d::kInnerShareable;
  if (!access.writable) v |= d::kReadOnly;
  if (access.user) v |= d::kUser | d::kNotGlobal;
  if (!access.user_executable) v |= d::kUserNoExecute;
  if (!access.kernel_executable) v |= d::kPrivilegedNoExecute;
  return v;
}

constexpr unsigned table_index(std::uint64_t virtual_address, unsigned level) {
  return static_cast<unsigned>((virtual_address >> (12 + 9 * (3 - level))) & 511);
}

using Table = std::uint64_t[512];

// Tables handed out from a pool the caller owns (a static array: its
// physical address is the one the descriptors hold).
class PageTables {
 public:
  PageTables(Table* pool, std::size_t count, std::uint64_t pool_physical, std::uint64_t window, std::size_t used = 0)
      : pool_(pool), count_(count), used_(used), pool_physical_(pool_physical), window_(window) {}

  std::size_t used() const { return used_; }

  // A new, empty level-1 table: its physical address (a TTBR value), or 0
  // when the pool is used up.
  std::uint64_t new_root();
  // Map one 4 KiB page or one 2 MiB block; false when the pool is used up.
  bool map_page(std::uint64_t root, std::uint64_t virtual_address, std::uint64_t physical, Access access);
  bool map_block(std::uint64_t root, std::uint64_t virtual_address, std::uint64_t physical, Access access);
  // Take a 4 KiB page away (its level-3 entry invalid). The caller flushes the TLB.
  void unmap_page(std::uint64_t root, std::uint64_t virtual_address);

 private:
  std::uint64_t* table_at(std::uint64_t physical) const {
    return reinterpret_cast<std::uint64_t*>(physical + window_);
  }
  // The entry for `virtual_address` at `level`, creating the tables above it.
  std::uint64_t* entry(std::uint64_t root, std::uint64_t virtual_address, unsigned level, bool create);

  Table* pool_;
  std::size_t count_;
  std::size_t used_;
  std::uint64_t pool_physical_;
  std::uint64_t window_;
};

}  // namespace pristine::aarch64
