// The fixture of the native core/ tests that run tasks: one CPU of the fake
// machine (tests/core/fake_machine.cpp), its idle task, ring-3 tasks added by
// name, and the tick and system calls driven by hand.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/cpu_local.h"
#include "core/interrupt/dispatch.h"
#include "core/interrupt/vectors.h"
#include "core/sched/scheduler.h"
#include "core/smp/cpu_set.h"
#include "core/syscall/syscall.h"
#include "core/time/timer_tick.h"
#include "hw-x86_64/cpu/trap_frame.h"
#include "tests/core/fake_machine.h"

namespace pristine {

inline constexpr Cycles kPeriod{1000};

class SchedulerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_machine::reset();
    std::destroy_at(&pristine_tasks);
    std::construct_at(&pristine_tasks);
    std::destroy_at(&cpu());
    std::construct_at(&cpu());
    cpu().slice_ticks = 2;
    cpu().clock_hz = 1'000'000'000;
    timer_start(cpu(), kPeriod);
    cpu().idle = sched::create_idle_task(0);
    smp::g_online_cpus.store(1);
  }

  static CpuLocal& cpu() { return pristine_cpu_local[0]; }

  Task* add(const char* name, std::uint32_t priority = 0) {
    return sched::create_user_task(name, UserProgram::Counter, priority, 0, {0, false});
  }

  // Boot: the first runnable task becomes current (start() then jumps into it).
  void start() {
    EXPECT_THROW(sched::start(cpu()), std::logic_error);
    resume_ = cpu().current->frame;
  }

  // One timer tick, on time; returns the name of the task that runs afterwards.
  std::string tick() {
    fake_machine::state().now = cpu().next_deadline;
    resume_ = dispatch_interrupt(vectors::kTimer, resume_);
    return running();
  }

  std::string running() const {
    EXPECT_EQ(resume_, cpu().current->state == TaskState::Running ? resume_ : nullptr);
    return cpu().current->name;
  }

  std::string syscall(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::int64_t* result = nullptr) {
    SyscallArgs call{static_cast<std::uint64_t>(number), {a0, a1}};
    resume_ = dispatch_syscall(call, resume_);
    if (result) *result = static_cast<std::int64_t>(call.number);
    return running();
  }

  TrapFrame* resume_ = nullptr;
};

}  // namespace pristine
