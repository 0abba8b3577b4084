#include "core/panic.h"

#include "core/console.h"
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/smp/stop_all.h"

namespace pristine {

// Cold: the end of the run, reached from any path (a broken invariant).
PRISTINE_COLD void panic(const char* message) {
  machine::irq_disable();
  smp::stop_other_cpus();
  console::write("\nPANIC: ");
  console::write(message);
  console::write("\n");
  machine::power_off(3);
}

}  // namespace pristine
