// An open Capstone handle for x86-64 with instruction details: RAII, shared by
// the cost model, the fault locator and the alignment checks.
#pragma once

#include <capstone/capstone.h>

#include <stdexcept>

namespace pristine::sim {

class CapstoneHandle {
 public:
  explicit CapstoneHandle(bool skip_data = false) {
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle_) != CS_ERR_OK) throw std::runtime_error("capstone: cs_open failed");
    cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
    if (skip_data) cs_option(handle_, CS_OPT_SKIPDATA, CS_OPT_ON);
  }
  ~CapstoneHandle() { cs_close(&handle_); }
  CapstoneHandle(const CapstoneHandle&) = delete;
  CapstoneHandle& operator=(const CapstoneHandle&) = delete;

  csh get() const { return handle_; }

 private:
  csh handle_ = 0;
};

}  // namespace pristine::sim
