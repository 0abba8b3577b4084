// A device model's register window in each CPU's engine: accesses to
// [base, base + size) of a CPU's physical address space call the model's
// read(cpu, offset[, size]) and write(cpu, offset, [size,] value), with the
// CPU that made them (the board's registers, uart0's, nic0's). One binding
// per CPU: Unicorn's MMIO callbacks get one pointer of context.
#pragma once

#include <unicorn/unicorn.h>

#include <memory>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/host_types.h"
#include "sim/sim_cpu.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

template <typename Model>
class RegisterWindow {
 public:
  void attach(Model& model, SimCpu& cpu, PhysAddr base, std::uint64_t size, const char* what) {
    bindings_.push_back(std::make_unique<Binding>(Binding{&model, &cpu}));
    check(uc_mmio_map(cpu.cpu.uc(), base, size, on_read, bindings_.back().get(), on_write, bindings_.back().get()), what);
  }

 private:
  struct Binding {
    Model* model;
    SimCpu* cpu;
  };

  // The board's registers take the access size (a 64-bit register comes as
  // two 4-byte halves); a device's registers have one width.
  static std::uint64_t on_read(uc_engine*, std::uint64_t offset, unsigned size, void* user) {
    auto* b = static_cast<Binding*>(user);
    if constexpr (requires { b->model->read(*b->cpu, offset, size); }) {
      return b->model->read(*b->cpu, offset, size);
    } else {
      return b->model->read(*b->cpu, offset);
    }
  }

  static void on_write(uc_engine*, std::uint64_t offset, unsigned size, std::uint64_t value, void* user) {
    auto* b = static_cast<Binding*>(user);
    if constexpr (requires { b->model->write(*b->cpu, offset, size, value); }) {
      b->model->write(*b->cpu, offset, size, value);
    } else {
      b->model->write(*b->cpu, offset, static_cast<typename Model::Register>(value));
    }
  }

  std::vector<std::unique_ptr<Binding>> bindings_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
