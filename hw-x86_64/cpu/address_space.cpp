// Ring-3 address spaces, the same on both boards (the simulated board's MMU
// walks these tables too: sim/x86_64/page_walk.h). Each task gets its own
// four page-table pages:
// the kernel half and the low identity map (supervisor-only: boot data, the
// LAPIC or the simulated board's registers) are shared with the boot tables
// (hw-x86_64/cpu/boot_page_tables.inc); the 2 MiB holding the user region
// is a private 4 KiB page table that maps the shared program text
// (read-only, executable), the shared program data, and this task's own
// slot (writable, no-execute where the CPU has NX). Other tasks' stacks and
// counters are simply not there.
#include <cstdint>

#include "core/hot_path.h"
#include "core/machine.h"
#include "core/sched/task.h"
#include "core/user_layout.h"
#include "hw-x86_64/cpu/instructions.h"

extern "C" {
extern std::uint64_t boot_pml4[512], boot_pdpt_low[512], boot_pd[512];
extern char __user_start[], __user_data_start[], user_slots[];
}

namespace pristine::machine {
namespace {

constexpr std::uint64_t kPresent = 1, kWrite = 2, kUser = 4;
constexpr std::uint64_t kNoExecute = std::uint64_t{1} << 63;
constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kLargePage = 2 * 1024 * 1024;
constexpr std::uint64_t kHigherHalf = 0xFFFFFFFF80000000;

struct alignas(4096) AddressSpace {
  std::uint64_t pml4[512];
  std::uint64_t pdpt_low[512];
  std::uint64_t pd_low[512];
  std::uint64_t pt_user[512];
};

AddressSpace g_spaces[kMaxTasks];
// No-execute bit for ring-3 data pages: set at the first address space (cold)
// when EFER.NXE is on, so the page-fault path does not read the MSR.
std::uint64_t g_data_no_execute = 0;

// Kernel .bss is loaded at (virtual - higher half); boot tables are identity.
PhysAddr physical(const void* kernel_object) { return reinterpret_cast<std::uint64_t>(kernel_object) - kHigherHalf; }

}  // namespace

// Both boards load the kernel image at (virtual - higher half), and their
// devices see physical memory as it is.
PhysAddr dma_address(const void* kernel_object) { return physical(kernel_object); }

PhysAddr user_address_space(std::uint32_t slot, VirtAddr private_start, std::uint64_t private_size) {
  AddressSpace& a = g_spaces[slot];
  g_data_no_execute = (x86::rdmsr(x86::kMsrEfer) & x86::kEferNoExecute) != 0 ? kNoExecute : 0;
  const std::uint64_t data_flags = kPresent | kWrite | kUser | g_data_no_execute;
  for (unsigned i = 0; i < 512; ++i) {
    a.pml4[i] = boot_pml4[i];
    a.pdpt_low[i] = boot_pdpt_low[i];
    a.pd_low[i] = boot_pd[i];
  }
  a.pml4[0] = physical(a.pdpt_low) | kPresent | kWrite | kUser;
  a.pdpt_low[0] = physical(a.pd_low) | kPresent | kWrite | kUser;

  const auto text = reinterpret_cast<std::uint64_t>(__user_start);
  const auto data = reinterpret_cast<std::uint64_t>(__user_data_start);
  const auto slots = reinterpret_cast<std::uint64_t>(user_slots);
  const std::uint64_t base = text & ~(kLargePage - 1);
  for (unsigned i = 0; i < 512; ++i) {
    const std::uint64_t page = base + i * kPage;  // identity: virtual == physical
    std::uint64_t entry = 0;
    if (page >= text && page < data) entry = page | kPresent | kUser;
    if (page >= data && page < slots) entry = page | data_flags;
    // Of the private region only the counter page (above the stack, below
    // the heap) is mapped now; stack and heap pages are demand-zero
    // (map_user_page).
    const VirtAddr counter_page = private_start + PRISTINE_USER_STACK_SIZE;
    if (page == counter_page && counter_page < private_start + private_size) entry = page | data_flags;
    a.pt_user[i] = entry;
  }
  a.pd_low[base / kLargePage] = physical(a.pt_user) | kPresent | kWrite | kUser;
  return physical(a.pml4);
}

namespace {

// The 4 KiB page-table entry of `page` in the ring-3 address space `root`;
// null if `root` is no task's or `page` lies outside the user region. A direct
// index into the task's own table: no walk.
PRISTINE_HOT std::uint64_t* user_pte(PhysAddr root, VirtAddr page) {
  const auto index = (root - physical(g_spaces[0].pml4)) / sizeof(AddressSpace);
  const std::uint64_t base = reinterpret_cast<std::uint64_t>(__user_start) & ~(kLargePage - 1);
  if (index >= kMaxTasks || page < base || page >= base + kLargePage) return nullptr;
  return &g_spaces[index].pt_user[(page - base) / kPage];
}

}  // namespace

PRISTINE_HOT bool map_user_page(PhysAddr root, VirtAddr page) {
  std::uint64_t* pte = user_pte(root, page);
  if (!pte) return false;
  // Present already: the fault was spurious (a stale translation, a page
  // another path mapped meanwhile, or one the simulated board took away for
  // one access). Retry the access; the page keeps its contents.
  if (*pte & kPresent) return true;
  // Zero it through the kernel's alias of physical memory (user pages are
  // identity-mapped, so the physical address is the user address).
  x86::zero_page(reinterpret_cast<void*>(page + kHigherHalf));
  *pte = page | kPresent | kWrite | kUser | g_data_no_execute;
  flush_tlb_page(page);
  return true;
}

PRISTINE_HOT void scrub_user_slot(PhysAddr root, VirtAddr private_start, VirtAddr counter, bool drop_pages) {
  const VirtAddr counter_page = private_start + PRISTINE_USER_STACK_SIZE;
  auto* const word = reinterpret_cast<volatile std::uint64_t*>(counter + kHigherHalf);
  const std::uint64_t progress = *word;
  x86::zero_page(reinterpret_cast<void*>(counter_page + kHigherHalf));
  *word = progress;
  if (!drop_pages) return;
  constexpr std::uint64_t kPages =
      (PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE + PRISTINE_USER_HEAP_SIZE) / kPage;
  for (std::uint64_t i = 0; i < kPages; ++i) {
    const VirtAddr page = private_start + i * kPage;
    if (page == counter_page) continue;
    if (std::uint64_t* pte = user_pte(root, page)) *pte = 0;
  }
}

PRISTINE_HOT void reset_user_counter(VirtAddr counter) {
  *reinterpret_cast<volatile std::uint64_t*>(counter + kHigherHalf) = 0;
}

PRISTINE_HOT void unmap_user_pages(PhysAddr root, VirtAddr first, std::uint32_t count) {
  if (count == 1) {
    unmap_user_page(root, first);
    return;
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    if (std::uint64_t* pte = user_pte(root, first + i * kPage)) *pte = 0;
  }
  flush_tlb_all();
}

PRISTINE_HOT bool protect_user_page(PhysAddr root, VirtAddr page, bool writable) {
  std::uint64_t* pte = user_pte(root, page);
  if (!pte || !(*pte & kPresent)) return false;
  *pte = writable ? (*pte | kWrite) : (*pte & ~kWrite);
  flush_tlb_page(page);
  return true;
}

PRISTINE_HOT void unmap_user_page(PhysAddr root, VirtAddr page) {
  std::uint64_t* pte = user_pte(root, page);
  if (!pte) return;
  *pte = 0;
  flush_tlb_page(page);
}

}  // namespace pristine::machine

namespace pristine::machine {
namespace {

// 4 KiB page tables that replace 2 MiB kernel pages holding guard pages.
constexpr unsigned kSplitTables = 4;
alignas(4096) std::uint64_t g_split_tables[kSplitTables][512];
unsigned g_split_used = 0;

}  // namespace

void unmap_kernel_page(VirtAddr page) {
  // The kernel half maps the first GiB of physical memory with 2 MiB pages
  // from boot_pd (PDPT_high[510]); split the one holding `page` once.
  const std::uint64_t index = (page - kHigherHalf) / kLargePage;
  std::uint64_t& pde = boot_pd[index];
  std::uint64_t* table = nullptr;
  if (pde & 0x80) {  // still a 2 MiB page
    if (g_split_used == kSplitTables) return;  // out of tables: no guard (boot continues)
    table = g_split_tables[g_split_used++];
    const std::uint64_t phys = pde & 0x000FFFFFFFE00000;
    for (unsigned i = 0; i < 512; ++i) table[i] = (phys + i * kPage) | kPresent | kWrite;
    pde = physical(table) | kPresent | kWrite;
  } else {
    table = reinterpret_cast<std::uint64_t*>((pde & 0x000FFFFFFFFFF000) + kHigherHalf);
  }
  table[(page - kHigherHalf - index * kLargePage) / kPage] = 0;
  x86::write_cr3(x86::read_cr3());  // drop the old 2 MiB translation everywhere
}

}  // namespace pristine::machine
