// EL0 address spaces on every board (TTBR0), and the kernel's own
// pages (its linear map, TTBR1: hw-aarch64/cpu/mmu_setup.cpp). Each task
// slot gets three tables of its own: a level-1 root, the level-2 table of
// the first GiB and the level-3 table of the 2 MiB holding the user region,
// which maps the shared program text (EL0 may run it, nobody may write it,
// EL1 never runs it), the shared program data, and the slot's own pages
// (never executable). The user region is linked at its virtual address and
// loaded after the kernel (cpu/kernel.ld): a user page's physical address
// is its offset in the region plus where the region was loaded.
//
// Each slot's space has an ASID of its own (slot + 1 in TTBR0's top bits;
// user pages are not global), so a switch keeps the translations the CPU
// caches for every space instead of dropping them as a CR3 write does on the
// PC. core/ counts on a switch's flush in two places: a page unmapped or
// made read-only while the space ran on no other CPU (only the CPUs that
// have it loaded get a shootdown), and a slot reused after a scrub that
// unmapped its pages without a flush (core/machine.h, scrub_user_slot).
// Both bump the slot's generation; a CPU switching to a slot whose
// generation moved since it last ran it drops that ASID's translations
// (tlbi aside1, local), which is the flush core/ counted on, at the same
// point, and no other switch flushes. (QEMU's TCG flushes its whole TLB on
// any TTBR0 write that changes the ASID, target/arm/helper.c
// vmsa_ttbr_write: under QEMU neither the gain nor a missing flush shows;
// on hardware both do.)
#include <cstdint>

#include "core/hot_path.h"
#include "core/machine.h"
#include "core/panic.h"
#include "core/sched/task.h"
#include "core/user_layout.h"
#include "hw-aarch64/cpu/kernel_layout.h"
#include "hw-aarch64/cpu/mmu_setup.h"
#include "hw-aarch64/cpu/page_tables.h"
#include "hw-aarch64/cpu/system_registers.h"

extern "C" {
extern char __user_start[], __user_data_start[], user_slots[], __user_end[];
extern char __user_physical_start[];  // an absolute symbol: where the region was loaded
}

namespace pristine::machine {
namespace {

// DCZID_EL0: BS (3:0), log2 of the `dc zva` block in words; DZP (bit 4), `dc zva` prohibited.
constexpr std::uint64_t kDczidBlockSize = 0xf;
constexpr std::uint64_t kDczidProhibited = 1u << 4;

using aarch64::kBlockSize;
using aarch64::kPageSize;
namespace d = aarch64::descriptor;

// Each slot's three tables (its root, and the level-2 and level-3 tables of
// the user region's 2 MiB), one array per level: a root's slot is its offset
// in g_roots over one page, a shift on the switch path, where one array of
// three-page spaces took a division (a multiply by the reciprocal).
using Table = std::uint64_t[512];
alignas(4096) Table g_roots[kMaxTasks];
alignas(4096) Table g_level2[kMaxTasks];
alignas(4096) Table g_level3[kMaxTasks];
static_assert(sizeof(Table) == kPageSize);

// Per slot, bumped by every change that leaves translations of its space
// stale (unmap, protect, a scrub); per CPU, the generation each slot had
// when this CPU last switched to it. Both start at 0: spaces are built once,
// at boot, and no CPU holds an EL0 translation before a slot's first run
// (each invalidated its whole TLB when it turned its MMU on, mmu_setup.cpp),
// so a first run needs no flush. (A 32-bit count wraps after 2^32 changes of
// one slot: far past any run here.)
std::uint32_t g_slot_generation[kMaxTasks];
std::uint32_t g_seen_generation[kMaxCpus][kMaxTasks];

constexpr std::uint64_t kAsidShift = 48;  // TTBR0_EL1.ASID, 8 bits (TCR_EL1.AS = 0)
static_assert(kMaxTasks < 255, "an 8-bit ASID per slot, 0 left to no slot");

// Where g_roots lies in physical memory: the linear map's offset taken
// off inline (aarch64::physical_of, out of line, costs a call on the switch).
PRISTINE_HOT inline std::uint64_t roots_physical() {
  return reinterpret_cast<std::uint64_t>(&g_roots[0]) - aarch64::kKernelOffset;
}

std::uint64_t region_base() { return reinterpret_cast<std::uint64_t>(__user_start) & ~(kBlockSize - 1); }

std::uint64_t user_physical(VirtAddr page) {
  return page - reinterpret_cast<std::uint64_t>(__user_start) + reinterpret_cast<std::uint64_t>(__user_physical_start);
}

constexpr aarch64::Access kUserText{.user = true, .user_executable = true};
constexpr aarch64::Access kUserData{.writable = true, .user = true};

// The level-3 entry of `page` in the space `root`; null if `root` is no
// slot's or `page` lies outside the user region's 2 MiB. An index, no walk.
PRISTINE_HOT std::uint64_t* user_pte(PhysAddr root, VirtAddr page) {
  const std::uint64_t index = (root - roots_physical()) / sizeof(Table);
  const std::uint64_t base = region_base();
  if (index >= kMaxTasks || page < base || page >= base + kBlockSize) return nullptr;
  return &g_level3[index][(page - base) / kPageSize];
}

// The slot whose space `root` is (an index: each slot's root is
// g_roots[slot]); kMaxTasks if none.
PRISTINE_HOT std::uint64_t slot_of(PhysAddr root) {
  const std::uint64_t index = (root - roots_physical()) / sizeof(Table);
  return index < kMaxTasks ? index : kMaxTasks;
}

// Translations of the slot's space may be stale on CPUs that do not run it
// now: each flushes its ASID before running it again (switch_address_space).
// The CPU that made the change flushes again too: recording that it is up to
// date would cost the change, a path the budget judges, a dozen cycles.
PRISTINE_HOT void space_changed(PhysAddr root) {
  const std::uint64_t slot = slot_of(root);
  if (slot < kMaxTasks) __atomic_fetch_add(&g_slot_generation[slot], 1, __ATOMIC_RELEASE);
}

// One `dc zva` zeroes a block of DCZID_EL0's size (64 bytes on the
// Cortex-A57 and A76: 64 a page, where stores of the zero register pair take
// 256), eight to a turn of the loop so that its count and branch are paid
// once per 512 bytes; a CPU that prohibits it (DCZID_EL0.DZP) gets the stores.
void zero_page(std::uint64_t physical) {
  auto* p = reinterpret_cast<std::uint8_t*>(physical + aarch64::kKernelOffset);
  const std::uint64_t dczid = PRISTINE_READ_SYSREG(dczid_el0);
  if (dczid & kDczidProhibited) {
    std::uint64_t stores = kPageSize / 16;
    asm volatile("1: stp xzr, xzr, [%0], #16\n subs %1, %1, #1\n b.ne 1b" : "+r"(p), "+r"(stores) : : "memory", "cc");
    return;
  }
  const std::uint64_t block = std::uint64_t{4} << (dczid & kDczidBlockSize);
  std::uint64_t blocks = kPageSize / block;
  if (blocks % 8 != 0) {  // blocks of 1 KiB or more: a page holds fewer than eight
    asm volatile("1: dc zva, %0\n add %0, %0, %2\n subs %1, %1, #1\n b.ne 1b"
                 : "+r"(p), "+r"(blocks)
                 : "r"(block)
                 : "memory", "cc");
    return;
  }
  std::uint64_t turns = blocks / 8;
  asm volatile(
      "1: dc zva, %0\n add %0, %0, %2\n dc zva, %0\n add %0, %0, %2\n"
      "   dc zva, %0\n add %0, %0, %2\n dc zva, %0\n add %0, %0, %2\n"
      "   dc zva, %0\n add %0, %0, %2\n dc zva, %0\n add %0, %0, %2\n"
      "   dc zva, %0\n add %0, %0, %2\n dc zva, %0\n add %0, %0, %2\n"
      "   subs %1, %1, #1\n b.ne 1b"
      : "+r"(p), "+r"(turns)
      : "r"(block)
      : "memory", "cc");
}

}  // namespace

PhysAddr dma_address(const void* kernel_object) { return aarch64::physical_of(kernel_object); }

PhysAddr user_address_space(std::uint32_t slot, VirtAddr private_start, std::uint64_t private_size) {
  const std::uint64_t base = region_base();
  if (reinterpret_cast<std::uint64_t>(__user_end) > base + kBlockSize) panic("the user region spans two 2 MiB");
  Table& root = g_roots[slot];
  Table& level2 = g_level2[slot];
  Table& level3 = g_level3[slot];
  for (unsigned i = 0; i < 512; ++i) root[i] = level2[i] = level3[i] = 0;
  root[aarch64::table_index(base, 1)] = aarch64::physical_of(level2) | d::kValid | d::kTable;
  level2[aarch64::table_index(base, 2)] = aarch64::physical_of(level3) | d::kValid | d::kTable;
  const auto text = reinterpret_cast<std::uint64_t>(__user_start);
  const auto data = reinterpret_cast<std::uint64_t>(__user_data_start);
  const auto slots = reinterpret_cast<std::uint64_t>(user_slots);
  // Of the private region only the counter page (above the stack, below the
  // heap) is mapped now; stack and heap pages are demand-zero (map_user_page).
  const VirtAddr counter_page = private_start + PRISTINE_USER_STACK_SIZE;
  for (unsigned i = 0; i < 512; ++i) {
    const std::uint64_t page = base + i * kPageSize;
    std::uint64_t entry = 0;
    if (page >= text && page < data) entry = aarch64::leaf_descriptor(user_physical(page), kUserText, false);
    if (page >= data && page < slots) entry = aarch64::leaf_descriptor(user_physical(page), kUserData, false);
    if (page == counter_page && counter_page < private_start + private_size) {
      entry = aarch64::leaf_descriptor(user_physical(page), kUserData, false);
    }
    level3[i] = entry;
  }
  // Every writer of a slot's tables makes them visible to the table walks
  // itself, so that switch_address_space's flush needs no barrier of its own.
  asm volatile("dsb ishst" ::: "memory");
  return aarch64::physical_of(root);
}

// TTBR0 with the slot's ASID; its translations dropped first only if its
// space changed since this CPU last ran it (above). Interrupts are off on
// the switch path: the CPU's row is its own. No `dsb ishst` before the
// flush: whoever wrote the tables (this CPU or another) issued one before it
// bumped the generation this CPU reads (user_address_space, scrub_user_slot,
// and the unmaps' and protect's flushes). One `isb` serves both the new base
// and the flush: nothing between them translates a user address.
PRISTINE_HOT void switch_address_space(PhysAddr root) {
  if ((PRISTINE_READ_SYSREG(ttbr0_el1) & d::kAddressMask) == root) return;
  const std::uint64_t slot = slot_of(root);
  const std::uint64_t asid = (slot + 1) << kAsidShift;
  PRISTINE_WRITE_SYSREG(ttbr0_el1, root | asid);
  if (slot < kMaxTasks) {
    const std::uint32_t generation = __atomic_load_n(&g_slot_generation[slot], __ATOMIC_ACQUIRE);
    // machine::cpu_id(), read inline: TPIDR_EL1 holds the CPU's index (board_init.cpp).
    std::uint32_t& seen = g_seen_generation[PRISTINE_READ_SYSREG(tpidr_el1)][slot];
    if (seen != generation) {
      seen = generation;
      // TLBI ASIDE1 takes the ASID in bits 63:48 of its operand (Arm ARM C5.5).
      asm volatile("tlbi aside1, %0\n dsb nsh" ::"r"(asid) : "memory");
    }
  }
  aarch64::isb();
}

PRISTINE_HOT bool map_user_page(PhysAddr root, VirtAddr page) {
  std::uint64_t* pte = user_pte(root, page);
  if (!pte) return false;
  // Valid already: a stale translation or a page mapped meanwhile; retry.
  if (*pte & d::kValid) return true;
  zero_page(user_physical(page));
  *pte = aarch64::leaf_descriptor(user_physical(page), kUserData, false);
  // A TLB never holds an entry that gave a translation fault (the Arm ARM's
  // rule for invalid descriptors), so there is nothing to invalidate: the
  // barrier makes the entry visible to the table walk before the `eret`
  // (context-synchronising) retries the access (docs/aarch64.md, "The hard
  // gate").
  asm volatile("dsb ishst" ::: "memory");
  return true;
}

PRISTINE_HOT void scrub_user_slot(PhysAddr root, VirtAddr private_start, VirtAddr counter, bool drop_pages) {
  const VirtAddr counter_page = private_start + PRISTINE_USER_STACK_SIZE;
  auto* const word = reinterpret_cast<volatile std::uint64_t*>(user_physical(counter) + aarch64::kKernelOffset);
  const std::uint64_t progress = *word;
  zero_page(user_physical(counter_page));
  *word = progress;
  if (!drop_pages) return;
  // The private region's entries lie side by side in the slot's level-3
  // table (both ends checked): one store each, the counter page's kept.
  constexpr std::uint64_t kPages =
      (PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE + PRISTINE_USER_HEAP_SIZE) / kPageSize;
  constexpr std::uint64_t kCounterIndex = PRISTINE_USER_STACK_SIZE / kPageSize;
  std::uint64_t* const first = user_pte(root, private_start);
  if (first && user_pte(root, private_start + (kPages - 1) * kPageSize)) {
    for (std::uint64_t i = 0; i < kCounterIndex; ++i) first[i] = 0;
    for (std::uint64_t i = kCounterIndex + 1; i < kPages; ++i) first[i] = 0;
  }
  asm volatile("dsb ishst" ::: "memory");  // visible to the walks before the generation (switch_address_space)
  space_changed(root);                     // the reuse's flush, on every CPU that ran the slot
}

PRISTINE_HOT void reset_user_counter(VirtAddr counter) {
  *reinterpret_cast<volatile std::uint64_t*>(user_physical(counter) + aarch64::kKernelOffset) = 0;
}

PRISTINE_HOT void unmap_user_page(PhysAddr root, VirtAddr page) {
  std::uint64_t* pte = user_pte(root, page);
  if (!pte) return;
  *pte = 0;
  flush_tlb_page(page);
  space_changed(root);
}

PRISTINE_HOT void unmap_user_pages(PhysAddr root, VirtAddr first, std::uint32_t count) {
  if (count == 1) {
    unmap_user_page(root, first);
    return;
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    if (std::uint64_t* pte = user_pte(root, first + i * kPageSize)) *pte = 0;
  }
  flush_tlb_all();
  space_changed(root);
}

PRISTINE_HOT bool protect_user_page(PhysAddr root, VirtAddr page, bool writable) {
  std::uint64_t* pte = user_pte(root, page);
  if (!pte || !(*pte & d::kValid)) return false;
  *pte = writable ? (*pte & ~d::kReadOnly) : (*pte | d::kReadOnly);
  flush_tlb_page(page);
  space_changed(root);
  return true;
}

// The kernel's linear map holds the image in 4 KiB pages (mmu_setup.cpp), so
// a page of it can go.
void unmap_kernel_page(VirtAddr page) {
  aarch64::kernel_page_tables().unmap_page(aarch64::kernel_root(), page);
  asm volatile("dsb ishst\n tlbi vaae1, %0\n dsb nsh\n isb" ::"r"(page >> 12) : "memory");
}

}  // namespace pristine::machine
