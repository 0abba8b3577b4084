#include "sim/cli/list_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sim/printable.h"
#include "sim/scenario.h"

namespace pristine::cli {
namespace {

namespace fs = std::filesystem;

// The comment lines a file opens with, without their '#' and the space after
// it, joined by spaces (a blank comment line ends the first paragraph).
std::string opening_comment(const fs::path& file, bool whole) {
  std::ifstream in(file);
  std::string line, text;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '#') break;
    std::string body = line.substr(1);
    if (!body.empty() && body[0] == ' ') body.erase(0, 1);
    if (body.empty()) {
      if (!whole) break;
      continue;
    }
    text += (text.empty() ? "" : " ") + body;
  }
  return sim::printable(text);
}

// Up to the first full stop that ends a sentence (". " or the end), cut at a
// word to keep one line per scenario.
std::string first_sentence(const std::string& text) {
  constexpr std::size_t kMaxLength = 100;
  std::string sentence = text;
  for (std::size_t i = text.find('.'); i != std::string::npos; i = text.find('.', i + 1)) {
    if (i + 1 == text.size() || text[i + 1] == ' ') {
      sentence = text.substr(0, i + 1);
      break;
    }
  }
  if (sentence.size() <= kMaxLength) return sentence;
  const std::size_t cut = sentence.rfind(' ', kMaxLength - 4);
  return sentence.substr(0, cut == std::string::npos ? kMaxLength - 4 : cut) + " ...";
}

std::string modeled_length(const sim::Scenario& s) {
  const double ms = static_cast<double>(s.duration) * 1000.0 / static_cast<double>(s.cpu_hz);
  return fmt::format("{:g} ms", ms);
}

struct Row {
  std::string name, cpus, length, about;
  bool loaded = true;
};

}  // namespace

int run_list(const ListOptions& options, std::ostream& out) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(options.directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".toml" && it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) {
    std::cerr << fmt::format("pristine list: {}: {}\n", options.directory.string(), ec.message());
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::vector<Row> rows;
  for (const fs::path& file : files) {
    Row row{.name = sim::printable(file.stem().string())};
    const std::string comment = opening_comment(file, options.verbose);
    row.about = options.verbose ? comment : first_sentence(comment);
    try {
      const sim::Scenario s = sim::load_scenario(file);
      row.cpus = fmt::format("{}", s.cpus);
      row.length = modeled_length(s);
    } catch (const sim::ScenarioError& e) {
      row.loaded = false;
      row.about = fmt::format("does not load: {}", e.what());
    }
    rows.push_back(std::move(row));
  }
  // Columns as wide as their content.
  std::size_t name_width = 8, length_width = 6;
  for (const Row& r : rows) {
    name_width = std::max(name_width, r.name.size());
    length_width = std::max(length_width, r.length.size());
  }
  out << fmt::format("{:<{}}  {:>4}  {:>{}}  {}\n", "scenario", name_width, "cpus", "length", length_width, "about");
  bool all_loaded = true;
  for (const Row& r : rows) {
    out << fmt::format("{:<{}}  {:>4}  {:>{}}  {}\n", r.name, name_width, r.cpus, r.length, length_width, r.about);
    all_loaded = all_loaded && r.loaded;
  }
  out << fmt::format("{} scenario(s) in {}; run one with: pristine sim {}\n", rows.size(),
                     sim::printable(options.directory.string()),
                     rows.empty() ? "FILE" : sim::printable((options.directory / (rows.front().name + ".toml")).string()));
  return all_loaded ? 0 : 1;
}

}  // namespace pristine::cli
