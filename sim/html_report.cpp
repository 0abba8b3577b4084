#include "sim/html_report.h"

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

// chart.umd.js, pinned (cmake/ChartJs.cmake) and assembled into the binary.
extern "C" const char pristine_chart_js[];
extern "C" const char pristine_chart_js_end[];

namespace pristine::sim {
namespace {

using nlohmann::json;

// The report's fields the page reads, checked one by one: a missing or
// mistyped field is an error naming it, never a page with a hole.
const json& member(const json& object, const std::string& where, const char* key) {
  if (!object.is_object()) throw HtmlReportError(fmt::format("{}: not an object", where.empty() ? "the top level" : where));
  const auto it = object.find(key);
  if (it == object.end()) throw HtmlReportError(fmt::format("{}{}{}: missing", where, where.empty() ? "" : ".", key));
  return *it;
}

std::string path_of(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }

std::uint64_t whole(const json& object, const std::string& where, const char* key) {
  const json& v = member(object, where, key);
  if (!v.is_number_unsigned()) throw HtmlReportError(fmt::format("{}: not a whole number", path_of(where, key)));
  return v.get<std::uint64_t>();
}

std::string text(const json& object, const std::string& where, const char* key) {
  const json& v = member(object, where, key);
  if (!v.is_string()) throw HtmlReportError(fmt::format("{}: not a string", path_of(where, key)));
  return v.get<std::string>();
}

const json& array(const json& object, const std::string& where, const char* key) {
  const json& v = member(object, where, key);
  if (!v.is_array()) throw HtmlReportError(fmt::format("{}: not an array", path_of(where, key)));
  return v;
}

// What the page's script draws, reduced from the report and checked.
json page_data(const json& run) {
  json page;
  page["scenario"] = text(run, "", "scenario");
  page["seed"] = whole(run, "", "seed");
  page["verdict"] = text(run, "", "verdict");
  page["paths"] = json::array();
  const json& handlers = array(run, "", "handlers");
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    const std::string where = fmt::format("handlers[{}]", i);
    const json& h = handlers[i];
    json path;
    path["name"] = text(h, where, "name");
    path["count"] = whole(h, where, "count");
    path["budget"] = whole(h, where, "budget");
    path["max"] = whole(member(h, where, "cycles_exclusive"), where + ".cycles_exclusive", "max");
    path["buckets"] = json::array();
    const std::string hist_where = where + ".cycles_histogram";
    const json& buckets = array(h, where, "cycles_histogram");
    std::uint64_t total = 0;
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const std::string bw = fmt::format("{}[{}]", hist_where, b);
      const std::uint64_t from = whole(buckets[b], bw, "from"), to = whole(buckets[b], bw, "to");
      const std::uint64_t count = whole(buckets[b], bw, "count");
      if (to <= from) throw HtmlReportError(fmt::format("{}: \"to\" {} is not above \"from\" {}", bw, to, from));
      total += count;
      path["buckets"].push_back({{"from", from}, {"to", to}, {"count", count}});
    }
    if (total != path["count"].get<std::uint64_t>()) {
      throw HtmlReportError(fmt::format("{}: the counts add up to {}, not the path's count {}", hist_where, total,
                                        path["count"].get<std::uint64_t>()));
    }
    page["paths"].push_back(std::move(path));
  }
  page["cpus"] = json::array();
  const json& cpus = array(run, "", "per_cpu");
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    const std::string where = fmt::format("per_cpu[{}]", i);
    page["cpus"].push_back({{"cpu", whole(cpus[i], where, "cpu")},
                            {"cycles", whole(cpus[i], where, "cycles")},
                            {"idle", whole(cpus[i], where, "idle_cycles")},
                            {"handlers", whole(cpus[i], where, "handler_cycles")}});
  }
  return page;
}

// JSON inside a <script> element: '<', '>' and '&' (which occur only inside
// strings) as \u escapes, so no text can close the element.
std::string script_json(const json& value) {
  const std::string dumped = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(dumped.size());
  for (char c : dumped) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

// The page's own script: draws every chart from #run-data, counts the charts
// drawn on <html data-charts-drawn> and records any error on
// <html data-chart-errors> (what tests/html_report_test.cpp reads from a
// headless browser). Text goes in through textContent only.
constexpr std::string_view kPageScript = R"js(
(function () {
  const root = document.documentElement;
  const errors = [];
  const fail = (message) => { errors.push(String(message)); root.dataset.chartErrors = errors.join(' | '); };
  window.addEventListener('error', (e) => fail(e.message));
  const consoleError = console.error;
  console.error = (...args) => { fail(args.join(' ')); consoleError.apply(console, args); };
  let drawn = 0;
  Chart.register({
    id: 'pristineDrawn',
    afterRender(chart) {
      if (chart.$pristineDrawn) return;
      chart.$pristineDrawn = true;
      root.dataset.chartsDrawn = String(++drawn);
    },
  });
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.devicePixelRatio = 1;
  const run = JSON.parse(document.getElementById('run-data').textContent);
  const section = (id) => document.getElementById(id);
  const figure = (parent, title, width, height) => {
    const f = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    f.append(caption, canvas);
    parent.append(f);
    return canvas;
  };
  const draw = (canvas, config) => {
    try { new Chart(canvas, config); } catch (e) { fail(e.message); }
  };
  const colors = { bar: '#4e79a7', used: '#59a14f', headroom: '#bab0ac', over: '#e15759', idle: '#bab0ac',
                   handlers: '#f28e2b', tasks: '#4e79a7' };

  for (const path of run.paths.filter((p) => p.count > 0)) {
    const canvas = figure(section('histograms'), `${path.name}: ${path.count} runs, cycles`, 420, 220);
    draw(canvas, {
      type: 'bar',
      data: {
        labels: path.buckets.map((b) => b.to - b.from === 1 ? `${b.from}` : `${b.from}-${b.to - 1}`),
        datasets: [{ label: 'runs', data: path.buckets.map((b) => b.count), backgroundColor: colors.bar }],
      },
      options: { plugins: { legend: { display: false } },
                 scales: { x: { title: { display: true, text: 'cycles (bucket)' } },
                           y: { beginAtZero: true, title: { display: true, text: 'runs' } } } },
    });
  }

  const budgeted = run.paths.filter((p) => p.count > 0);
  draw(figure(section('budgets'), 'worst cost (exclusive cycles) against the budget', 860,
              80 + 28 * budgeted.length), {
    type: 'bar',
    data: {
      labels: budgeted.map((p) => p.name),
      datasets: [
        { label: 'worst cost', data: budgeted.map((p) => Math.min(p.max, p.budget)), backgroundColor: colors.used },
        { label: 'headroom', data: budgeted.map((p) => Math.max(p.budget - p.max, 0)), backgroundColor: colors.headroom },
        { label: 'over budget', data: budgeted.map((p) => Math.max(p.max - p.budget, 0)), backgroundColor: colors.over },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: 'cycles' } },
                                         y: { stacked: true } } },
  });

  const share = (part, cpu) => cpu.cycles === 0 ? 0 : 100 * part / cpu.cycles;
  draw(figure(section('cpus'), 'share of each CPU\'s modeled cycles', 860, 80 + 40 * run.cpus.length), {
    type: 'bar',
    data: {
      labels: run.cpus.map((c) => `cpu ${c.cpu}`),
      datasets: [
        { label: 'handlers', data: run.cpus.map((c) => share(c.handlers, c)), backgroundColor: colors.handlers },
        { label: 'tasks', data: run.cpus.map((c) => share(Math.max(c.cycles - c.idle - c.handlers, 0), c)),
          backgroundColor: colors.tasks },
        { label: 'idle', data: run.cpus.map((c) => share(c.idle, c)), backgroundColor: colors.idle },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true, max: 100, title: { display: true, text: '%' } },
                                         y: { stacked: true } } },
  });
})();
)js";

constexpr std::string_view kStyle = R"css(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
#histograms { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; } figcaption { font-size: 0.9em; margin-bottom: 0.3em; }
.fail { color: #c00; font-weight: bold; } .pass { color: #080; font-weight: bold; }
)css";

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html(const json& run) {
  const json page = page_data(run);
  std::size_t charts = 2;  // budgets, CPUs
  for (const json& p : page["paths"]) charts += p["count"].get<std::uint64_t>() > 0 ? 1 : 0;
  const std::string scenario = html_escape(page["scenario"].get<std::string>());
  const std::string verdict = page["verdict"].get<std::string>();
  const std::string_view chart_js(pristine_chart_js, static_cast<std::size_t>(pristine_chart_js_end - pristine_chart_js));
  // A pin to a version whose text could close the element would break the page.
  if (chart_js.find("</script") != std::string_view::npos) throw std::logic_error("chart.js holds </script");
  std::string html;
  html += fmt::format("<!DOCTYPE html>\n<html lang=\"en\" data-charts-expected=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
                      charts);
  html += fmt::format("<title>pristine: {} (seed {})</title>\n<style>{}</style>\n</head>\n<body>\n", scenario,
                      page["seed"].get<std::uint64_t>(), kStyle);
  html += fmt::format("<h1>{} <small>seed {}</small> <span class=\"{}\">{}</span></h1>\n", scenario,
                      page["seed"].get<std::uint64_t>(), verdict == "pass" ? "pass" : "fail", html_escape(verdict));
  html += "<h2>Cost per path (inclusive cycles, four buckets per octave)</h2>\n<div id=\"histograms\"></div>\n";
  html += "<h2>Budgets and headroom</h2>\n<div id=\"budgets\"></div>\n";
  html += "<h2>Load per CPU</h2>\n<div id=\"cpus\"></div>\n";
  html += "<script type=\"application/json\" id=\"run-data\">" + script_json(page) + "</script>\n";
  html += "<script>\n";
  html += chart_js;
  html += "\n</script>\n<script>";
  html += kPageScript;
  html += "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace pristine::sim
