// A failed Unicorn call, as an exception naming what was being done.
// Architecture-neutral: both guest engines (sim/x86_64/, sim/aarch64/) use it.
#pragma once

#include <unicorn/unicorn.h>

#include <stdexcept>
#include <string>

namespace pristine::sim {

class UnicornError : public std::runtime_error {
 public:
  UnicornError(const std::string& what, uc_err err);
};

// Throws UnicornError unless `err` is UC_ERR_OK.
void check(uc_err err, const char* what);

}  // namespace pristine::sim
