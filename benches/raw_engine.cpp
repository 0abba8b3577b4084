#include "benches/raw_engine.h"

#include "benches/thread_clock.h"

#include <unicorn/unicorn.h>

#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>

namespace pristine::bench {
namespace {

// Low addresses, one page each: code, data, stack. Unicorn 2.1 with paging
// off cuts addresses to 52 bits, so the blob stays below 4 GiB. Data and
// stack are on other pages than the code: a store to a page holding
// translated code would send every store through the engine's slow path.
constexpr std::uint64_t kCode = 0x1000;
constexpr std::uint64_t kData = 0x2000;
constexpr std::uint64_t kStackTop = 0x4000;  // the stack page is 0x3000-0x3fff
constexpr std::uint64_t kPage = 0x1000;

// The blob (GNU as, .intel_syntax; offsets from kCode). Entry: RCX = loop
// turns (>= 1), RBX = data, RSP = stack top. Run until `end`.
//
//   00 start: xor  edx, edx              ; entry: 1 instruction, then
//   02 loop:  push rcx                   ; block A (5): stack store
//   03        mov  rax, [rsp]            ;   stack load
//   07        add  rdx, rax
//   0a        mov  [rbx], rdx            ;   data store
//   0d        call fn                    ;   -> block B
//   12        pop  rcx                   ; block C (5): stack load
//   13        mov  [rbx + 8], rax        ;   data store
//   17        dec  rcx
//   1a        cmp  rcx, 0                ;   compare
//   1e        jne  loop                  ;   and branch
//   20 end:   hlt                        ; never executed: the run stops here
//   21 fn:    push rbp                   ; block B (5): a kernel-style frame
//   22        mov  rbp, rsp
//   25        mov  rax, [rbp + 16]       ;   the caller's pushed RCX
//   29        pop  rbp
//   2a        ret
//
// Each turn executes blocks A, B, C: 15 instructions; with the entry's xor,
// 1 + 15 * turns (raw_engine_instructions). The engine's first block is
// start + A (6 instructions); later turns enter A at `loop`.
constexpr std::uint8_t kBlob[] = {
    0x31, 0xd2,                    // xor edx, edx
    0x51,                          // push rcx
    0x48, 0x8b, 0x04, 0x24,        // mov rax, [rsp]
    0x48, 0x01, 0xc2,              // add rdx, rax
    0x48, 0x89, 0x13,              // mov [rbx], rdx
    0xe8, 0x0f, 0x00, 0x00, 0x00,  // call fn (0x21)
    0x59,                          // pop rcx
    0x48, 0x89, 0x43, 0x08,        // mov [rbx + 8], rax
    0x48, 0xff, 0xc9,              // dec rcx
    0x48, 0x83, 0xf9, 0x00,        // cmp rcx, 0
    0x75, 0xe2,                    // jne loop (0x02)
    0xf4,                          // end: hlt
    0x55,                          // fn: push rbp
    0x48, 0x89, 0xe5,              // mov rbp, rsp
    0x48, 0x8b, 0x45, 0x10,        // mov rax, [rbp + 16]
    0x5d,                          // pop rbp
    0xc3,                          // ret
};
constexpr std::uint64_t kEnd = kCode + 0x20;
static_assert(sizeof(kBlob) == 0x2b);

void check(uc_err err, const char* what) {
  if (err != UC_ERR_OK) throw std::runtime_error(std::string("raw engine: ") + what + ": " + uc_strerror(err));
}

}  // namespace

RawEngine::RawEngine(RawHooks hooks) {
  check(uc_open(UC_ARCH_X86, UC_MODE_64, &uc_), "uc_open");
  check(uc_mem_map(uc_, kCode, kPage, UC_PROT_READ | UC_PROT_EXEC), "uc_mem_map code");
  check(uc_mem_map(uc_, kData, kStackTop - kData, UC_PROT_READ | UC_PROT_WRITE), "uc_mem_map data and stack");
  check(uc_mem_write(uc_, kCode, kBlob, sizeof(kBlob)), "uc_mem_write");
  if (hooks == RawHooks::counting_block) {
    uc_hook hook;
    check(uc_hook_add(uc_, &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(&RawEngine::on_block), this, 1, 0),
          "uc_hook_add");
  }
}

RawEngine::~RawEngine() { uc_close(uc_); }

// The cheapest counting form: the block's instruction count is asked of the
// engine once (uc_ctl_request_cache) and kept by its offset in the code page.
void RawEngine::on_block(uc_struct* uc, std::uint64_t address, std::uint32_t, void* self) {
  auto& engine = *static_cast<RawEngine*>(self);
  std::uint16_t& count = engine.block_instructions_[(address - kCode) % std::size(engine.block_instructions_)];
  if (count == 0) {
    uc_tb tb{};
    check(uc_ctl_request_cache(uc, address, &tb), "uc_ctl_request_cache");
    count = tb.icount;
  }
  engine.counted_ += count;
}

RawRun RawEngine::run(std::uint64_t loop_turns) {
  if (loop_turns == 0) throw std::runtime_error("raw engine: at least one loop turn");
  std::uint64_t rcx = loop_turns, rbx = kData, rsp = kStackTop, rdx = 0;
  check(uc_reg_write(uc_, UC_X86_REG_RCX, &rcx), "write RCX");
  check(uc_reg_write(uc_, UC_X86_REG_RBX, &rbx), "write RBX");
  check(uc_reg_write(uc_, UC_X86_REG_RSP, &rsp), "write RSP");
  check(uc_reg_write(uc_, UC_X86_REG_RDX, &rdx), "write RDX");
  counted_ = 0;
  check(uc_emu_start(uc_, kCode, kEnd, 0, 0), "uc_emu_start");
  std::uint64_t rip = 0;
  check(uc_reg_read(uc_, UC_X86_REG_RIP, &rip), "read RIP");
  if (rip != kEnd) {
    char where[32];
    std::snprintf(where, sizeof(where), "0x%llx", static_cast<unsigned long long>(rip));
    throw std::runtime_error(std::string("raw engine: stopped at ") + where + ", not at the end");
  }
  RawRun result;
  result.counted = counted_;
  check(uc_reg_read(uc_, UC_X86_REG_RDX, &result.sum), "read RDX");
  check(uc_mem_read(uc_, kData + 8, &result.last, sizeof(result.last)), "read data");
  return result;
}

std::string unicorn_version() {
  const unsigned v = uc_version(nullptr, nullptr);  // major << 24 | minor << 16 | patch << 8 | extra
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." + std::to_string((v >> 8) & 0xff);
}

void sample_raw_engine(RawEngine& engine, double seconds, RawRate& rate) {
  constexpr std::uint64_t kTurns = 20'000;  // 300 001 instructions a run
  const double start = thread_seconds();
  double elapsed = 0;
  std::uint64_t instructions = 0;
  do {
    engine.run(kTurns);
    instructions += raw_engine_instructions(kTurns);
    elapsed = thread_seconds() - start;
  } while (elapsed < seconds);
  rate.instructions += instructions;
  rate.seconds += elapsed;
}

double raw_engine_rate(RawHooks hooks, double seconds) {
  RawEngine engine(hooks);
  engine.run(2);  // warm-up: translates every block (the second turn enters `loop`)
  RawRate rate;
  sample_raw_engine(engine, seconds, rate);
  return rate.per_second();
}

}  // namespace pristine::bench
