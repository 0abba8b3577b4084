#include "sim/unicorn_error.h"

#include <fmt/format.h>

namespace pristine::sim {

UnicornError::UnicornError(const std::string& what, uc_err err)
    : std::runtime_error(fmt::format("{}: {}", what, uc_strerror(err))) {}

void check(uc_err err, const char* what) {
  if (err != UC_ERR_OK) throw UnicornError(what, err);
}

}  // namespace pristine::sim
