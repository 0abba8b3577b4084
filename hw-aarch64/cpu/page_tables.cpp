#include "hw-aarch64/cpu/page_tables.h"

namespace pristine::aarch64 {

std::uint64_t PageTables::new_root() {
  if (used_ == count_) return 0;
  std::uint64_t* table = pool_[used_];
  for (unsigned i = 0; i < 512; ++i) table[i] = 0;
  return pool_physical_ + kPageSize * used_++;
}

std::uint64_t* PageTables::entry(std::uint64_t root, std::uint64_t virtual_address, unsigned level, bool create) {
  std::uint64_t table = root;
  for (unsigned l = 1; l < level; ++l) {
    std::uint64_t& e = table_at(table)[table_index(virtual_address, l)];
    if ((e & descriptor::kValid) == 0) {
      if (!create) return nullptr;
      const std::uint64_t next = new_root();
      if (next == 0) return nullptr;
      e = next | descriptor::kValid | descriptor::kTable;
    }
    table = e & descriptor::kAddressMask;
  }
  return &table_at(table)[table_index(virtual_address, level)];
}

bool PageTables::map_page(std::uint64_t root, std::uint64_t virtual_address, std::uint64_t physical, Access access) {
  std::uint64_t* e = entry(root, virtual_address, 3, true);
  if (e == nullptr) return false;
  *e = leaf_descriptor(physical, access, false);
  return true;
}

bool PageTables::map_block(std::uint64_t root, std::uint64_t virtual_address, std::uint64_t physical, Access access) {
  std::uint64_t* e = entry(root, virtual_address, 2, true);
  if (e == nullptr) return false;
  *e = leaf_descriptor(physical, access, true);
  return true;
}

void PageTables::unmap_page(std::uint64_t root, std::uint64_t virtual_address) {
  if (std::uint64_t* e = entry(root, virtual_address, 3, false)) *e = 0;
}

}  // namespace pristine::aarch64
