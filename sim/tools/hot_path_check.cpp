// hot_path_check IMAGE: the static half of the pristine-path rules
// (docs/pristine-rules.md). Every function placed in .text.pristine_hot
// (PRISTINE_HOT, the entry stubs) may call only other hot functions and
// explicit slow paths (.text.pristine_cold, PRISTINE_COLD). The call graph
// comes from the linked image's machine code (Capstone), not from the source
// text: direct calls and jumps between functions, and indirect calls, which
// cannot be checked and so are refused. Exits 1 naming each offending call
// with the chain of hot callers that reaches it from an entry point.
#include <capstone/capstone.h>
#include <fmt/format.h>

#include <cstdio>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/capstone_handle.h"
#include "sim/guest_image.h"
#include "sim/source_lines.h"

namespace {

// pristine::sim, not pristine: the simulator's plain VirtAddr (sim/host_types.h).
using namespace pristine::sim;

struct Range {
  VirtAddr start = 0, end = 0;
  bool contains(VirtAddr a) const { return a >= start && a < end; }
};

struct Finding {
  VirtAddr caller;      // function
  VirtAddr site;        // the call instruction
  std::string what;     // description of the callee
};

const Segment* segment_of(const GuestImage& image, VirtAddr address) {
  for (const Segment& s : image.segments()) {
    if (address >= s.vaddr && address < s.vaddr + s.bytes.size()) return &s;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: hot_path_check IMAGE.elf\n");
    return 2;
  }
  GuestImage image = [&] {
    try {
      return GuestImage::load(argv[1]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "hot_path_check: %s\n", e.what());
      std::exit(2);
    }
  }();
  const auto bracket = [&](const char* name) {
    return Range{image.find_symbol(fmt::format("__pristine_{}_start", name)).value_or(0),
                 image.find_symbol(fmt::format("__pristine_{}_end", name)).value_or(0)};
  };
  const Range hot = bracket("hot");
  const Range cold = bracket("cold");
  if (hot.start == hot.end) {
    std::fprintf(stderr, "hot_path_check: %s: no .text.pristine_hot section\n", argv[1]);
    return 2;
  }
  const SourceLines lines(argv[1]);
  const auto where = [&](VirtAddr a) {
    const Symbol* f = image.function_at(a);
    std::string text = f ? demangle(f->name) : fmt::format("{:#x}", a);
    if (const auto line = lines.find(a)) text += fmt::format(" ({}:{})", line->file, line->line);
    return text;
  };

  // The call graph of the hot functions, from their machine code.
  const CapstoneHandle capstone(/*skip_data=*/true);
  cs_insn* insn = cs_malloc(capstone.get());
  std::map<VirtAddr, std::set<VirtAddr>> callees;  // hot function -> hot functions it reaches
  std::vector<Finding> findings;
  std::set<VirtAddr> hot_functions;
  for (VirtAddr a = hot.start; a < hot.end;) {
    const Symbol* f = image.function_at(a);
    if (!f || f->size == 0) {
      ++a;
      continue;
    }
    hot_functions.insert(f->address);
    const Segment* seg = segment_of(image, f->address);
    const std::uint8_t* code = seg->bytes.data() + (f->address - seg->vaddr);
    std::size_t left = f->size;
    std::uint64_t at = f->address;
    while (left > 0 && cs_disasm_iter(capstone.get(), &code, &left, &at, insn)) {
      const bool call = insn->id == X86_INS_CALL;
      const bool jump = cs_insn_group(capstone.get(), insn, CS_GRP_JUMP);
      if (!call && !jump) continue;
      const cs_x86& x86 = insn->detail->x86;
      if (x86.op_count != 1) continue;
      const cs_x86_op& op = x86.operands[0];
      if (op.type != X86_OP_IMM) {
        // A jump through a register or table stays in the function (a switch);
        // a call through one could go anywhere.
        if (call) findings.push_back({f->address, insn->address, "an indirect call (its target cannot be checked)"});
        continue;
      }
      const auto target = static_cast<VirtAddr>(op.imm);
      if (target >= f->address && target < f->address + f->size) continue;  // inside the function
      if (hot.contains(target)) {
        if (const Symbol* t = image.function_at(target)) callees[f->address].insert(t->address);
        continue;
      }
      if (cold.contains(target)) continue;  // an explicit slow path
      findings.push_back({f->address, insn->address,
                          fmt::format("{} (neither hot nor PRISTINE_COLD)", where(target))});
    }
    a = f->address + f->size;
  }
  cs_free(insn, 1);

  // How each hot function is reached from an entry point (breadth first).
  std::map<VirtAddr, VirtAddr> reached_from;
  std::deque<VirtAddr> queue;
  for (const char* entry : {"interrupt_stubs", "interrupt_common", "exception_common", "syscall_entry"}) {
    if (const auto a = image.find_symbol(entry); a && !reached_from.count(*a)) {
      reached_from[*a] = 0;
      queue.push_back(*a);
    }
  }
  while (!queue.empty()) {
    const VirtAddr f = queue.front();
    queue.pop_front();
    for (const VirtAddr t : callees[f]) {
      if (reached_from.try_emplace(t, f).second) queue.push_back(t);
    }
  }
  const auto chain = [&](VirtAddr f) {
    std::vector<std::string> names;
    for (VirtAddr a = f; a != 0 && names.size() < 16;) {
      const Symbol* s = image.function_at(a);
      names.insert(names.begin(), s ? demangle(s->name) : fmt::format("{:#x}", a));
      const auto it = reached_from.find(a);
      a = it == reached_from.end() ? 0 : it->second;
    }
    std::string text;
    for (const std::string& n : names) text += (text.empty() ? "" : " -> ") + n;
    return text;
  };

  for (const Finding& f : findings) {
    std::fprintf(stderr, "%s: hot path calls %s\n  at %s\n  reached by: %s\n", argv[1], f.what.c_str(),
                 where(f.site).c_str(), chain(f.caller).c_str());
  }
  if (!findings.empty()) {
    std::fprintf(stderr, "hot_path_check: %zu call(s) out of the hot path (docs/pristine-rules.md)\n", findings.size());
    return 1;
  }
  std::printf("hot_path_check: %s: %zu hot functions, every call stays in the hot path or goes to a PRISTINE_COLD slow path\n",
              argv[1], hot_functions.size());
  return 0;
}
