#include "sim/user_access_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace pristine::sim {
namespace {

constexpr std::uint64_t kEntrySize = 16;  // two addresses: the access, its fixup

}  // namespace

UserAccessTable::UserAccessTable(const GuestImage& image) {
  const auto start = image.find_symbol("__pristine_user_access_start");
  const auto end = image.find_symbol("__pristine_user_access_end");
  if (!start || !end) return;
  if (*end < *start || (*end - *start) % kEntrySize != 0 || (*end - *start) / kEntrySize > kMaxEntries) {
    throw ImageError(fmt::format("{}: the user-access table [{:#x}, {:#x}) is not whole entries of {} bytes "
                                 "(at most {})",
                                 image.file().string(), *start, *end, kEntrySize, kMaxEntries));
  }
  if (*end == *start) return;
  for (const Segment& s : image.segments()) {
    if (*start < s.vaddr || *start - s.vaddr > s.bytes.size() || *end - *start > s.bytes.size() - (*start - s.vaddr)) {
      continue;
    }
    const std::uint8_t* bytes = s.bytes.data() + (*start - s.vaddr);
    for (std::uint64_t offset = 0; offset < *end - *start; offset += kEntrySize) {
      VirtAddr access;
      std::memcpy(&access, bytes + offset, sizeof access);
      accesses_.push_back(access);
    }
    std::sort(accesses_.begin(), accesses_.end());
    return;
  }
  throw ImageError(fmt::format("{}: the user-access table [{:#x}, {:#x}) is not in the image's loaded bytes",
                               image.file().string(), *start, *end));
}

bool UserAccessTable::is_access(VirtAddr rip) const {
  return std::binary_search(accesses_.begin(), accesses_.end(), rip);
}

}  // namespace pristine::sim
