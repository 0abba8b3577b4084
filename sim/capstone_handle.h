// An open Capstone handle with instruction details: RAII. x86-64 by default,
// shared by the cost model, the fault locator and the alignment checks; the
// AArch64 cost model and fault addresses (sim/aarch64/) open CS_ARCH_ARM64.
#pragma once

#include <capstone/capstone.h>

#include <stdexcept>

namespace pristine::sim {

class CapstoneHandle {
 public:
  explicit CapstoneHandle(bool skip_data = false) : CapstoneHandle(CS_ARCH_X86, CS_MODE_64, skip_data) {}
  CapstoneHandle(cs_arch arch, cs_mode mode, bool skip_data = false) {
    if (cs_open(arch, mode, &handle_) != CS_ERR_OK) throw std::runtime_error("capstone: cs_open failed");
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
