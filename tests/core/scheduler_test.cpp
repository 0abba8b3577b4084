// core/ scheduler, tick and syscall logic, compiled natively against a fake
// machine backend (tests/core/fake_machine.cpp).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "core/cpu_local.h"
#include "core/sched/scheduler.h"
#include "core/syscall/syscall.h"
#include "core/syscall/user_access.h"
#include "core/interrupt/dispatch.h"
#include "core/interrupt/vectors.h"
#include "core/smp/cpu_set.h"
#include "core/smp/tlb_shootdown.h"
#include "core/time/timer_tick.h"
#include "hw-x86_64/cpu/trap_frame.h"
#include "tests/core/fake_machine.h"
#include "tests/core/scheduler_fixture.h"

namespace pristine {
namespace {

class Scheduler : public SchedulerFixture {};

TEST_F(Scheduler, EqualPrioritiesTakeTurnsOfOneSliceEach) {
  add("a");
  add("b");
  add("c");
  start();
  EXPECT_EQ(running(), "a");
  EXPECT_EQ(tick(), "a");
  EXPECT_EQ(tick(), "b");
  EXPECT_EQ(tick(), "b");
  EXPECT_EQ(tick(), "c");
  EXPECT_EQ(tick(), "c");
  EXPECT_EQ(tick(), "a");
}

TEST_F(Scheduler, PriorityWeightsTheSliceButNeverStarves) {
  add("low", 0);
  add("high", 1);
  start();
  int low = 0, high = 0;
  for (int i = 0; i < 60; ++i) (tick() == "low" ? low : high)++;
  EXPECT_EQ(high, 2 * low) << "priority 1 gets two base slices per turn, priority 0 one";
}

TEST_F(Scheduler, SwitchSavesTheFrameAndLoadsTheNextTasksState) {
  Task* a = add("a");
  Task* b = add("b");
  start();
  TrapFrame* a_frame = resume_;
  tick();
  tick();
  EXPECT_EQ(cpu().current, b);
  EXPECT_EQ(a->frame, a_frame) << "the outgoing frame is kept for the resume";
  EXPECT_EQ(resume_, b->frame);
  EXPECT_EQ(fake_machine::state().kernel_stack, b->kernel_stack_top) << "TSS.RSP0 follows the task";
  EXPECT_NE(a->address_space, b->address_space) << "each ring-3 task has its own address space";
  EXPECT_EQ(fake_machine::state().address_space, b->address_space);
  EXPECT_EQ(a->state, TaskState::Runnable);
}

// Lazy FPU (docs/fpu.md): a switch saves the outgoing task's FPU state only
// when that task loaded it (its first FPU instruction trapped), and leaves
// the next task trapping.
TEST_F(Scheduler, TheFpuStateIsSavedOnlyWhenTheOutgoingTaskLoadedIt) {
  add("a");
  add("b");
  start();
  tick();
  tick();
  tick();
  tick();
  ASSERT_GE(cpu().switches.load(), 2u);
  EXPECT_EQ(fake_machine::state().fpu_saves, 0u) << "neither task used the FPU";
  const std::uint64_t switches = cpu().switches.load();
  cpu().fpu_live = true;  // the running task's first FPU instruction loaded its state
  while (cpu().switches.load() == switches) tick();
  EXPECT_EQ(fake_machine::state().fpu_saves, 1u);
  EXPECT_FALSE(cpu().fpu_live) << "the next task traps on its first FPU instruction";
}

TEST_F(Scheduler, SleeperWakesAtTheFirstTickAfterItsDeadlineAndPreemptsLowerPriority) {
  add("worker", 0);
  add("other", 0);
  Task* sleeper = add("sleeper", 3);
  start();
  // Run until the sleeper has the CPU, then let it sleep 2.5 ticks.
  while (running() != "sleeper") tick();
  const Cycles deadline = fake_machine::state().now + Cycles{2500};
  syscall(Syscall::Sleep, 2500);  // 1 GHz clock: ns == cycles
  EXPECT_EQ(sleeper->state, TaskState::Sleeping);
  EXPECT_NE(running(), "sleeper");
  tick();
  tick();
  EXPECT_NE(running(), "sleeper") << "woke before its deadline";
  const std::string preempted = running();
  EXPECT_EQ(tick(), "sleeper");
  EXPECT_GE(fake_machine::state().now, deadline);
  EXPECT_EQ(sleeper->wakeups, 1u);
  EXPECT_EQ(sleeper->max_wake_latency, fake_machine::state().now - deadline);
  // The preempted task goes back to the head of the queue.
  syscall(Syscall::Sleep, 100000);
  EXPECT_EQ(running(), preempted);
}

// Regression: the tick woke every due sleeper in one loop, so sleepers whose
// deadlines fell on one tick made that tick's cost grow with their number
// (a swarm seed's timer+switch crossed the 1000-cycle gate with two). Each
// timer interrupt now wakes one, and the timer fires again at once for the
// next: every interrupt's work is bounded, and none waits for a later tick.
TEST_F(Scheduler, SleepersDueAtTheSameTickWakeOneTimerInterruptEach) {
  add("worker", 0);
  Task* sleepers[3] = {add("s0", 0), add("s1", 0), add("s2", 0)};
  start();
  // Each sleeper in turn sleeps until the same moment, 10.5 ticks from now.
  const Cycles deadline = fake_machine::state().now + Cycles{10'500};
  for (Task* s : sleepers) {
    while (cpu().current != s) tick();
    syscall(Syscall::Sleep, deadline - fake_machine::state().now);
    ASSERT_EQ(s->state, TaskState::Sleeping);
  }
  while (fake_machine::state().now + kPeriod < deadline) tick();
  tick();
  const Cycles tick_time = fake_machine::state().now;
  auto awake = [&] {
    int n = 0;
    for (Task* s : sleepers) n += s->state != TaskState::Sleeping;
    return n;
  };
  EXPECT_EQ(awake(), 1) << "the tick wakes one sleeper";
  for (int woken = 2; woken <= 3; ++woken) {
    ASSERT_EQ(fake_machine::state().armed_deadline, fake_machine::state().now)
        << "a sleeper is still due: the timer fires again at once";
    fake_machine::state().now += Cycles{100};  // the catch-up interrupt, well before the next tick
    resume_ = dispatch_interrupt(vectors::kTimer, resume_);
    EXPECT_EQ(awake(), woken);
  }
  EXPECT_EQ(fake_machine::state().armed_deadline, tick_time + kPeriod) << "none due: back on the grid";
  EXPECT_EQ(cpu().early_ticks.load(), 0u) << "catch-ups are not stray interrupts";
  for (Task* s : sleepers) EXPECT_LE(s->max_wake_latency, tick_time + 200 - deadline) << s->name;
}

TEST_F(Scheduler, ATaskPreemptedByEveryWakeUpStillUsesUpItsTurn) {
  // Regression: a high-priority sleeper waking at every tick must not let the
  // task it preempts keep its turn forever.
  add("a", 0);
  add("b", 0);
  Task* sleeper = add("sleeper", 3);
  start();
  int ran_b = 0;
  for (int i = 0; i < 40; ++i) {
    if (running() == "sleeper") syscall(Syscall::Sleep, kPeriod / 2);
    if (running() == "b") ++ran_b;
    tick();
  }
  EXPECT_GT(sleeper->wakeups, 30u);
  EXPECT_GT(ran_b, 10) << "b starved behind a, which the sleeper kept preempting";
}

TEST_F(Scheduler, YieldGoesToTheBackOfTheQueue) {
  add("a");
  add("b");
  add("c");
  start();
  EXPECT_EQ(syscall(Syscall::Yield), "b");
  EXPECT_EQ(syscall(Syscall::Yield), "c");
  EXPECT_EQ(syscall(Syscall::Yield), "a");
}

TEST_F(Scheduler, YieldAloneKeepsRunning) {
  add("a");
  start();
  EXPECT_EQ(syscall(Syscall::Yield), "a");
}

TEST_F(Scheduler, ExitedTaskNeverRunsAgainAndIdleTakesOver) {
  Task* a = add("a");
  start();
  std::int64_t result = 0;
  EXPECT_EQ(syscall(Syscall::Exit, 7, 0, &result), "idle");
  EXPECT_EQ(a->state, TaskState::Dead);
  EXPECT_EQ(a->exit_code, 7);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(tick(), "idle");
}

TEST_F(Scheduler, IdleLeavesAtTheFirstTickThatFindsWork) {
  Task* a = add("a");
  start();
  resume_ = sched::block_current(cpu(), resume_, fake_machine::state().now);
  EXPECT_EQ(running(), "idle");
  EXPECT_EQ(tick(), "idle");
  resume_ = sched::wake_blocked(cpu(), resume_, fake_machine::state().now, *a);
  EXPECT_EQ(running(), "a") << "a woken task runs at once on an idle CPU";
}

TEST_F(Scheduler, LongestRunnableWaitIsRecorded) {
  add("a");
  Task* b = add("b");
  start();
  tick();
  tick();  // b runs after waiting two ticks since boot
  EXPECT_EQ(b->max_wait, 2 * kPeriod);
}

TEST_F(Scheduler, ShutdownHandsTheCpuToIdle) {
  add("a");
  start();
  resume_ = sched::switch_to_idle(cpu(), resume_, fake_machine::state().now);
  EXPECT_EQ(running(), "idle");
}

TEST_F(Scheduler, TimerTickRearmsOnTheGridAcknowledgesAndSkipsMissedDeadlines) {
  add("a");
  start();
  cpu().next_deadline = Cycles{10 * kPeriod};
  fake_machine::state().now = Cycles{10 * kPeriod + 3};  // a little late
  resume_ = dispatch_interrupt(vectors::kTimer, resume_);
  EXPECT_EQ(fake_machine::state().armed_deadline, 11 * kPeriod) << "no drift from a late tick";
  EXPECT_EQ(fake_machine::state().eoi_count, 1u);
  fake_machine::state().now = Cycles{14 * kPeriod + 10};  // three deadlines missed
  resume_ = dispatch_interrupt(vectors::kTimer, resume_);
  EXPECT_EQ(fake_machine::state().armed_deadline, 15 * kPeriod);
  EXPECT_EQ(cpu().missed_ticks.load(), 3u);
  EXPECT_EQ(cpu().ticks, 2u);
}

TEST_F(Scheduler, ATimerInterruptBeforeTheDeadlineIsNotATick) {
  add("a");
  start();
  cpu().next_deadline = Cycles{10 * kPeriod};
  fake_machine::state().now = Cycles{10 * kPeriod};
  resume_ = dispatch_interrupt(vectors::kTimer, resume_);
  fake_machine::state().now += Cycles{40};  // the same timer fires again
  resume_ = dispatch_interrupt(vectors::kTimer, resume_);
  EXPECT_EQ(cpu().ticks, 1u);
  EXPECT_EQ(cpu().early_ticks.load(), 1u);
  EXPECT_EQ(fake_machine::state().eoi_count, 2u) << "acknowledged all the same";
  EXPECT_EQ(fake_machine::state().armed_deadline, 11 * kPeriod);
}

TEST_F(Scheduler, SyscallsRejectBadArgumentsWithErrnoValues) {
  add("a");
  start();
  std::int64_t r = 0;
  const auto user = reinterpret_cast<std::uint64_t>(__user_start);
  syscall(Syscall::Write, 0xffffffff80100000, 4, &r);
  EXPECT_EQ(r, kEFAULT) << "kernel pointer";
  syscall(Syscall::Write, 0, 4, &r);
  EXPECT_EQ(r, kEFAULT) << "null pointer";
  syscall(Syscall::Write, user + 65536 - 2, 4, &r);
  EXPECT_EQ(r, kEFAULT) << "runs past the user region";
  syscall(Syscall::Write, user, kMaxWriteLength + 1, &r);
  EXPECT_EQ(r, kEINVAL);
  syscall(static_cast<Syscall>(1234), 0, 0, &r);
  EXPECT_EQ(r, kENOSYS);
  std::memcpy(__user_start, "hello", 5);
  syscall(Syscall::Write, user, 5, &r);
  EXPECT_EQ(r, 5);
  EXPECT_EQ(fake_machine::state().console, "hello");
  syscall(Syscall::GetPid, 0, 0, &r);
  EXPECT_EQ(r, cpu().current->id);
}

}  // namespace
}  // namespace pristine

namespace pristine {
namespace {

// CPUs driven by hand: the fake machine's `cpu` says which one runs.
template <CpuId kCpus>
class Cpus : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_machine::reset();
    std::destroy_at(&pristine_tasks);
    std::construct_at(&pristine_tasks);
    for (CpuId id = 0; id < kCpus; ++id) {
      std::destroy_at(&pristine_cpu_local[id]);
      std::construct_at(&pristine_cpu_local[id]);
      CpuLocal& c = pristine_cpu_local[id];
      c.id = id;
      c.slice_ticks = 2;
      c.clock_hz = 1'000'000'000;
      timer_start(c, Cycles{1000});
      c.idle = sched::create_idle_task(id);
    }
    smp::g_online_cpus.store((1u << kCpus) - 1);
  }
  void TearDown() override { smp::g_online_cpus.store(1); }

  static TrapFrame* start_on(CpuId id) {
    fake_machine::state().cpu = id;
    EXPECT_THROW(sched::start(pristine_cpu_local[id]), std::logic_error);
    return pristine_cpu_local[id].current->frame;
  }
  static std::int64_t call(CpuId id, TrapFrame*& resume, Syscall number, std::uint64_t a0 = 0) {
    fake_machine::state().cpu = id;
    SyscallArgs args{static_cast<std::uint64_t>(number), {a0}};
    resume = dispatch_syscall(args, resume);
    return static_cast<std::int64_t>(args.number);
  }
  // One tick on CPU `id`, on time.
  static void tick(CpuId id, TrapFrame*& resume) {
    fake_machine::state().cpu = id;
    fake_machine::state().now = pristine_cpu_local[id].next_deadline;
    resume = dispatch_interrupt(vectors::kTimer, resume);
  }
};

using TwoCpus = Cpus<2>;
using ThreeCpus = Cpus<3>;

TEST_F(TwoCpus, AWakeOfATaskOnAnotherCpuGoesThroughItsInboxAndAReschedulingIpi) {
  Task* a = sched::create_user_task("a", UserProgram::Pinger, 0, 0, {0, true});
  Task* b = sched::create_user_task("b", UserProgram::Pinger, 0, 0, {1, true});
  TrapFrame* r0 = start_on(0);
  TrapFrame* r1 = start_on(1);
  EXPECT_EQ(call(1, r1, Syscall::Wait), 0);
  EXPECT_EQ(b->state, TaskState::Blocked);
  EXPECT_EQ(pristine_cpu_local[1].current, pristine_cpu_local[1].idle);

  EXPECT_EQ(call(0, r0, Syscall::Wake, b->id), 0);
  ASSERT_EQ(fake_machine::state().ipis.size(), 1u);
  EXPECT_EQ(fake_machine::state().ipis[0], std::make_pair(CpuId{1}, vectors::kIpiReschedule));
  EXPECT_EQ(pristine_cpu_local[0].current, a) << "the waker keeps its CPU";
  EXPECT_EQ(b->state, TaskState::Blocked) << "only CPU 1 changes its own run queue";

  fake_machine::state().cpu = 1;
  r1 = dispatch_interrupt(vectors::kIpiReschedule, r1);
  EXPECT_EQ(pristine_cpu_local[1].current, b) << "CPU 1 was idle: the woken task runs at once";
  EXPECT_EQ(r1, b->frame);
}

TEST_F(TwoCpus, AWakeBeforeTheWaitIsNotLost) {
  Task* a = sched::create_user_task("a", UserProgram::Pinger, 0, 0, {0, true});
  Task* b = sched::create_user_task("b", UserProgram::Pinger, 0, 0, {1, true});
  TrapFrame* r0 = start_on(0);
  TrapFrame* r1 = start_on(1);
  EXPECT_EQ(call(0, r0, Syscall::Wake, b->id), 0);
  EXPECT_TRUE(fake_machine::state().ipis.empty()) << "b was not waiting: the wake is left pending";
  EXPECT_EQ(call(1, r1, Syscall::Wait), 0);
  EXPECT_EQ(pristine_cpu_local[1].current, b) << "the pending wake makes wait() return at once";
  EXPECT_EQ(call(0, r0, Syscall::Wake, a->id), kEINVAL) << "waking yourself";
  EXPECT_EQ(call(0, r0, Syscall::Wake, 99), kEINVAL) << "no such task";
}

TEST_F(TwoCpus, ABusyCpuPushesAnUnpinnedTaskToAnIdleOne) {
  sched::create_user_task("pinned", UserProgram::Counter, 0, 0, {0, true});
  Task* b = sched::create_user_task("b", UserProgram::Counter, 0, 0, {0, false});
  sched::create_user_task("pinned-too", UserProgram::Counter, 0, 0, {0, true});
  pristine_cpu_local[0].slice_ticks = 100;  // no turn ends: the queue stays [b, pinned-too]
  TrapFrame* r0 = start_on(0);
  start_on(1);
  for (std::uint32_t t = 0; t < kChoreIntervalTicks && fake_machine::state().ipis.empty(); ++t) tick(0, r0);
  ASSERT_EQ(fake_machine::state().ipis.size(), 1u) << "one balancing look within the chore interval";
  EXPECT_EQ(fake_machine::state().ipis[0], std::make_pair(CpuId{1}, vectors::kIpiReschedule));
  EXPECT_EQ(b->migrations, 1u) << "the first unpinned queued task moves";
  EXPECT_EQ(pristine_cpu_local[0].load.load(), 2u);
  fake_machine::state().cpu = 1;
  dispatch_interrupt(vectors::kIpiReschedule, pristine_cpu_local[1].idle->frame);
  EXPECT_EQ(pristine_cpu_local[1].current, b);
  EXPECT_EQ(b->cpu, 1u);
}

// A tick whose chores moved a task leaves the end of the turn to a catch-up
// timer interrupt right after it: one piece of work per interrupt keeps the
// tick's worst case bounded (a balancing move, a sleeper's wake-up and a
// switch on one tick crossed the 1000-cycle gate in a swarm run).
TEST_F(TwoCpus, ATurnEndingOnATickThatMovedATaskEndsInACatchUpInterrupt) {
  Task* a = sched::create_user_task("a", UserProgram::Counter, 0, 0, {0, true});
  Task* b = sched::create_user_task("b", UserProgram::Counter, 0, 0, {0, false});
  sched::create_user_task("c", UserProgram::Counter, 0, 0, {0, true});
  TrapFrame* r0 = start_on(0);
  start_on(1);
  CpuLocal& cpu0 = pristine_cpu_local[0];
  // a's turn ends exactly on the first chore tick, when b moves to CPU 1.
  cpu0.turn_ends_at = cpu0.chores_at;
  plan_housekeeping(cpu0);
  while (cpu0.next_deadline < cpu0.chores_at) tick(0, r0);
  ASSERT_EQ(cpu0.current, a);
  tick(0, r0);
  const Cycles tick_time = fake_machine::state().now;
  ASSERT_EQ(b->migrations, 1u) << "the chore tick moved b";
  EXPECT_EQ(cpu0.current, a) << "and left a's turn";
  ASSERT_EQ(fake_machine::state().armed_deadline, tick_time) << "to a catch-up interrupt at once";
  fake_machine::state().now = tick_time + Cycles{100};
  r0 = dispatch_interrupt(vectors::kTimer, r0);
  EXPECT_EQ(cpu0.current->name, std::string("c")) << "where the turn ends";
  EXPECT_EQ(fake_machine::state().armed_deadline, cpu0.next_deadline) << "then the timer is back on the grid";
  EXPECT_EQ(cpu0.early_ticks.load(), 0u);
}

// Regression: the balancing look counted down once per tick and was reset
// only by the look itself, so a look that fell due on a tick with an empty
// run queue wrapped the counter and balancing never ran again.
TEST_F(TwoCpus, BalancingGoesOnAfterALookThatFoundTheQueueEmpty) {
  sched::create_user_task("a", UserProgram::Counter, 0, 0, {0, false});
  TrapFrame* r0 = start_on(0);
  start_on(1);
  for (std::uint32_t t = 0; t < 3 * kChoreIntervalTicks; ++t) tick(0, r0);  // looks due, queue empty
  EXPECT_TRUE(fake_machine::state().ipis.empty());
  sched::create_user_task("b", UserProgram::Counter, 0, 0, {0, false});
  sched::create_user_task("c", UserProgram::Counter, 0, 0, {0, false});
  for (std::uint32_t t = 0; t < 2 * kChoreIntervalTicks && fake_machine::state().ipis.empty(); ++t) tick(0, r0);
  ASSERT_FALSE(fake_machine::state().ipis.empty()) << "CPU 0 stopped balancing";
  EXPECT_EQ(fake_machine::state().ipis[0], std::make_pair(CpuId{1}, vectors::kIpiReschedule));
}

// Regression: the look for overdue shootdowns counted down once per tick and
// ran only on a tick that did not switch, so on a CPU that switches on every
// tick the bound on the initiator's wait disappeared.
TEST_F(TwoCpus, AnOverdueShootdownIsTakenBackOnACpuThatSwitchesOnEveryTick) {
  Task* u = sched::create_user_task("u", UserProgram::Unmapper, 0, 0, {0, true});
  sched::create_user_task("x", UserProgram::Counter, 0, 0, {0, true});
  sched::create_user_task("y", UserProgram::Counter, 0, 0, {0, true});
  pristine_cpu_local[0].slice_ticks = 1;  // x and y take turns: a switch on every tick
  TrapFrame* r0 = start_on(0);
  start_on(1);
  call(0, r0, Syscall::Unmap, u->private_end - 4096);
  ASSERT_EQ(u->state, TaskState::Blocked);
  // CPU 1 never answers.
  const std::uint64_t switches = pristine_cpu_local[0].switches.load();
  for (std::uint32_t t = 0; t < smp::kShootdownTimeoutTicks + 2 * kChoreIntervalTicks; ++t) tick(0, r0);
  EXPECT_GE(pristine_cpu_local[0].switches.load() - switches, smp::kShootdownTimeoutTicks) << "not switching every tick";
  EXPECT_EQ(pristine_cpu_local[0].shootdown_timeouts.load(), 1u) << "the wait was never bounded";
  EXPECT_NE(u->state, TaskState::Blocked);
}

TEST_F(TwoCpus, UnmapBlocksTheCallerUntilTheOtherCpuFlushedThePage) {
  Task* u = sched::create_user_task("u", UserProgram::Unmapper, 0, 0, {0, true});
  sched::create_user_task("v", UserProgram::Counter, 0, 0, {1, true});
  TrapFrame* r0 = start_on(0);
  TrapFrame* r1 = start_on(1);
  const VirtAddr page = u->private_end - 4096;  // the last heap page
  EXPECT_EQ(call(0, r0, Syscall::Unmap, page + 8), kEINVAL) << "not page-aligned";
  EXPECT_EQ(call(0, r0, Syscall::Unmap, u->private_start), kEINVAL) << "the stack is not heap";
  call(0, r0, Syscall::Unmap, page);
  EXPECT_EQ(fake_machine::state().unmapped, std::vector<VirtAddr>{page});
  EXPECT_EQ(u->state, TaskState::Blocked) << "the initiator waits for the flush";
  ASSERT_EQ(fake_machine::state().ipis.back(), std::make_pair(fake_machine::kAllOthers, vectors::kIpiTlbShootdown));

  fake_machine::state().cpu = 1;
  r1 = dispatch_interrupt(vectors::kIpiTlbShootdown, r1);
  EXPECT_EQ(fake_machine::state().flushes.back(), std::make_pair(CpuId{1}, page));
  EXPECT_EQ(smp::g_shootdown_requests[u->id].pending.load(), 0u) << "acknowledged";
  EXPECT_EQ(smp::g_shootdowns_outstanding.load(), 0u) << "retired";
  EXPECT_EQ(fake_machine::state().ipis.back(), std::make_pair(CpuId{0}, vectors::kIpiReschedule))
      << "the last acknowledgement wakes the initiator on its CPU";
  fake_machine::state().cpu = 0;
  r0 = dispatch_interrupt(vectors::kIpiReschedule, r0);
  EXPECT_EQ(pristine_cpu_local[0].current, u);
}

TEST_F(ThreeCpus, AWokenTaskGoesToItsLastCpuWhenIdleElseToAnIdleOneOnceOffItsStack) {
  Task* t = sched::create_user_task("t", UserProgram::Pinger, 0, 0, {2, false});
  sched::create_user_task("waker", UserProgram::Pinger, 0, 0, {0, true});
  TrapFrame* r0 = start_on(0);
  start_on(1);
  TrapFrame* r2 = start_on(2);
  // t blocks and CPU 2 leaves its stack: CPUs 1 and 2 are both idle; t goes
  // back to its last one, 2.
  call(2, r2, Syscall::Wait);
  r2 = dispatch_interrupt(vectors::kSpurious, r2);
  EXPECT_EQ(t->on_cpu.load(), 0u);
  EXPECT_EQ(call(0, r0, Syscall::Wake, t->id), 0);
  EXPECT_EQ(fake_machine::state().ipis.back(), std::make_pair(CpuId{2}, vectors::kIpiReschedule));
  fake_machine::state().cpu = 2;
  r2 = dispatch_interrupt(vectors::kIpiReschedule, r2);
  ASSERT_EQ(pristine_cpu_local[2].current, t);

  // CPU 2 gets other work; t blocks again. Until CPU 2 enters the kernel
  // again it may still be on t's stack: the wake must go to CPU 2, though
  // CPU 2 is busy and CPU 1 idle.
  Task* other = sched::create_user_task("other", UserProgram::Counter, 0, 0, {2, true});
  call(2, r2, Syscall::Wait);
  EXPECT_EQ(t->on_cpu.load(), 1u);
  EXPECT_EQ(call(0, r0, Syscall::Wake, t->id), 0);
  EXPECT_EQ(fake_machine::state().ipis.back(), std::make_pair(CpuId{2}, vectors::kIpiReschedule))
      << "still on CPU 2's stack";
  fake_machine::state().cpu = 2;
  r2 = dispatch_interrupt(vectors::kIpiReschedule, r2);
  EXPECT_EQ(pristine_cpu_local[2].current, other) << "t joined the queue behind the running task";

  // Once CPU 2 is off t's stack (it entered the kernel since), the busy CPU 2
  // loses t to idle CPU 1.
  pristine_cpu_local[2].chores_at = kNever;  // no balancing in this test: CPU 1 would take t
  for (int n = 0; n < 8 && pristine_cpu_local[2].current != t; ++n) tick(2, r2);  // t's turn comes
  ASSERT_EQ(pristine_cpu_local[2].current, t);
  call(2, r2, Syscall::Wait);  // t blocks; CPU 2 runs `other`
  r2 = dispatch_interrupt(vectors::kSpurious, r2);  // CPU 2's next entry: t is off its stack
  EXPECT_EQ(t->on_cpu.load(), 0u);
  EXPECT_EQ(call(0, r0, Syscall::Wake, t->id), 0);
  EXPECT_EQ(fake_machine::state().ipis.back(), std::make_pair(CpuId{1}, vectors::kIpiReschedule))
      << "CPU 2 is busy, CPU 1 idle";
}

}  // namespace
}  // namespace pristine
