// The kernel's user-access table as the image holds it: the ring-0
// instructions that may fault on a system call's behalf and where each
// continues (core/syscall/user_access_table.h). A ring-0 fault at one of
// them is the kernel working as designed (a bad user pointer), not a kernel
// fault (sim/path_invariants.cpp).
#pragma once

#include <vector>

#include "sim/guest_image.h"

namespace pristine::sim {

class UserAccessTable {
 public:
  // Read from the image's bracketing symbols; an image without them has an
  // empty table. Throws ImageError if the table lies outside the image's
  // loaded bytes or is not whole entries.
  explicit UserAccessTable(const GuestImage& image);

  bool is_access(VirtAddr rip) const;
  std::size_t size() const { return accesses_.size(); }

  // More entries than any kernel needs: a hostile image cannot make the
  // simulator read an unbounded table.
  static constexpr std::size_t kMaxEntries = 4096;

 private:
  std::vector<VirtAddr> accesses_;  // sorted
};

}  // namespace pristine::sim
