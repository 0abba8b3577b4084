// Per-path cost accounting of one CPU. A record is opened when an event is
// delivered (before its delivery cost is charged) and closed by the return
// that ends it: the first block that runs after the matching iretq or sysret,
// in the interrupted context or the next task's. A return to ring 3 ends
// every open record (whatever was interrupted is no longer running); a return
// within ring 0 ends the innermost. Nested records are subtracted from their
// parent to give the exclusive cost. A record during which the kernel switched
// tasks is a separate "+switch" path.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <vector>

#include "sim/host_types.h"
#include "sim/path_id.h"
#include "sim/sample_histogram.h"

namespace pristine::sim {

// One path's samples, each series a histogram (sim/sample_histogram.h):
// memory bounded whatever the length of the run.
struct HandlerSamples {
  SampleHistogram cycles;  // inclusive of nested handlers
  SampleHistogram cycles_exclusive;
  SampleHistogram instructions;
  SampleHistogram instructions_exclusive;
  // Instructions between the first and the last read of the board clock in
  // the record: the span the kernel measures itself (dispatch entry to exit),
  // comparable with QEMU -icount, where that clock counts instructions.
  SampleHistogram kernel_span_instructions;
  SampleHistogram kernel_span_cycles;  // the same span in modeled cycles

  // As if every sample of `other` had been recorded here too.
  void merge(const HandlerSamples& other) {
    cycles.merge(other.cycles);
    cycles_exclusive.merge(other.cycles_exclusive);
    instructions.merge(other.instructions);
    instructions_exclusive.merge(other.instructions_exclusive);
    kernel_span_instructions.merge(other.kernel_span_instructions);
    kernel_span_cycles.merge(other.kernel_span_cycles);
  }
  std::size_t bytes() const {
    return cycles.bytes() + cycles_exclusive.bytes() + instructions.bytes() + instructions_exclusive.bytes() +
           kernel_span_instructions.bytes() + kernel_span_cycles.bytes();
  }
};

// Where the interrupted context must resume when a record closes without a
// task switch (checked for ring-0 contexts: same-CPL iretq restores RSP too).
struct ResumePoint {
  VirtAddr rsp = 0;
  VirtAddr rip = 0;
  bool kernel = false;  // the record interrupted ring 0
  // An external interrupt, from the controller: set only for those (not
  // for exceptions, system calls or `int n`, which set no in-service bit).
  bool external = false;
};

struct ClosedRecord {
  PathId path;
  bool switched;
  ResumePoint resume;
  std::uint32_t eois;  // EOIs written while it was the innermost record
};

class HandlerAccounting {
 public:
  // `switches` is the kernel's context-switch counter at this moment.
  void open(PathId path, Cycles now, std::uint64_t instructions, std::uint64_t switches,
            ResumePoint resume = {});
  // Close the innermost record. Returns nothing if none was open (a return
  // from no delivery, e.g. the kernel's first entry into ring 3).
  std::optional<ClosedRecord> close(Cycles now, std::uint64_t instructions, std::uint64_t switches);
  // Close every open record, innermost first (a return to ring 3). Each
  // closed record is passed to `check`.
  template <typename Check>
  void close_all(Cycles now, std::uint64_t instructions, std::uint64_t switches, Check&& check) {
    while (const auto closed = close(now, instructions, switches)) check(*closed);
  }
  // The innermost record, an external interrupt's, is `path`'s after all:
  // the handler acknowledged another interrupt than the one pending at the
  // entry (AArch64's acknowledge hands out the highest pending when read).
  void reassign_interrupt(PathId path) {
    if (!stack_.empty() && stack_.back().resume.external) stack_.back().path = path;
  }
  // An EOI was written: charge it to the innermost record. False if none is open.
  bool note_eoi() {
    if (stack_.empty()) return false;
    ++stack_.back().eois;
    return true;
  }

  // The kernel read the board clock with `instructions` retired (counted per
  // block: the read sits in machine::now(), a block of its own, so the
  // distance between two reads is exact).
  void note_clock_read(std::uint64_t instructions, Cycles now) {
    if (stack_.empty()) return;
    Open& record = stack_.back();
    if (record.clock_reads++ == 0) {
      record.first_clock_read = instructions;
      record.first_clock_cycles = now;
    }
    record.last_clock_read = instructions;
    record.last_clock_cycles = now;
  }

  std::size_t depth() const { return stack_.size(); }
  // An interrupt or exception record is open. A system call's record alone
  // does not count: that is its task's own time (sim/own_time.h).
  bool in_handler() const {
    for (const Open& record : stack_) {
      if (!is_syscall_path(record.path)) return true;
    }
    return false;
  }
  // A record of `path` is open (the CPU is inside that path, at any depth).
  bool is_open(PathId path) const {
    for (const Open& record : stack_) {
      if (record.path == path) return true;
    }
    return false;
  }
  // Clock reads so far in the innermost open record (depth() > 0).
  std::uint32_t innermost_clock_reads() const { return stack_.back().clock_reads; }
  // The path of the innermost open record (depth() > 0).
  PathId innermost() const { return stack_.back().path; }
  // Samples of `path`, without (false) or with (true) a context switch.
  const HandlerSamples& samples(PathId path, bool switched) const { return samples_[path * 2 + switched]; }
  // Bytes held: this object, the open-record stack and every histogram's
  // storage. Bounded: it depends on the values seen and the nesting depth,
  // not on how many records were closed.
  std::size_t bytes() const;

 private:
  struct Open {
    PathId path;
    Cycles start;
    std::uint64_t start_instructions;
    std::uint64_t start_switches;
    Cycles nested_cycles;
    std::uint64_t nested_instructions;
    ResumePoint resume;
    std::uint32_t eois;
    std::uint32_t clock_reads;
    std::uint64_t first_clock_read;
    std::uint64_t last_clock_read;
    Cycles first_clock_cycles;
    Cycles last_clock_cycles;
  };
  std::vector<Open> stack_;
  std::array<HandlerSamples, kPathCount * 2> samples_;
};

}  // namespace pristine::sim
