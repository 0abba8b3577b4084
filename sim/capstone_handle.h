// An open Capstone handle with instruction details: RAII, shared by the cost
// models, the fault locators and the alignment checks. x86-64 unless told.
#pragma once

#include <capstone/capstone.h>

#include <stdexcept>

namespace pristine::sim {

class CapstoneHandle {
 public:
  explicit CapstoneHandle(bool skip_data = false, cs_arch arch = CS_ARCH_X86, cs_mode mode = CS_MODE_64) {
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
