// Run area: one run (run::run_scenario) of scenario text, simulated or live against a broker
// (sim/live). SimGrid's engine is process-global and cannot be created twice in a process,
// so this may be called once per process: the `mqttbed` package calls it only inside its
// worker child (mqttbed/_worker.py), for live runs too.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <optional>
#include <stdexcept>

#include "python/bindings.h"
#include "sim/live/live_options.h"
#include "sim/run/catalog.h"
#include "sim/run/pipeline.h"
#include "sim/run/shards.h"
#include "sim/scenario/loader.h"

namespace mqttbed::python {
namespace py = pybind11;
namespace {

double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

bool engine_used = false;

py::dict run_scenario_text(const std::string& text, const std::string& file,
                           std::optional<std::uint64_t> seed, const std::string& out_dir,
                           const std::string& history_path, const std::string& mutation,
                           const std::function<void(py::dict)>& on_progress, const py::dict& live,
                           const std::function<void(std::string)>& on_warning,
                           const std::string& junit_path, int shards, int retry_shards,
                           const std::string& shard_dir) {
  if (engine_used)
    throw std::runtime_error(
        "the simulation engine already ran in this process (SimGrid allows one per process); "
        "use mqttbed.run(), which starts a child process per run");
  scenario::Scenario scenario = run::load_scenario_text(text, file);
  if (seed) scenario.seed = *seed;
  run::RunOptions options;
  options.out_dir = out_dir;
  options.history_path = history_path;
  options.junit_path = junit_path;
  options.misbehaviour = fleet::parse_misbehaviour(mutation);  // ValueError when unknown
  options.shards = shards;
  options.retry_shards = retry_shards;
  options.shard_dir = shard_dir;
  // Live (docs/live.md): the CLI's live flags by their keyword names (live_option_specs);
  // no broker: simulate.
  for (auto item : live) {
    if (item.second.is_none()) continue;
    const auto key = py::str(item.first).cast<std::string>();
    const live::LiveOptionSpec* spec = live::find_live_option(key);
    std::string value = py::str(item.second).cast<std::string>();
    if (spec != nullptr && spec->type == live::LiveOptionSpec::Type::flag)
      value = item.second.cast<bool>() ? "true" : "false";
    live::set_live_option(options.live, key, value);
  }
  if (on_warning) {
    // Live warnings (faults that cannot be acted out) come from the run's threads.
    options.live.on_warning = [&on_warning](const std::string& message) {
      py::gil_scoped_acquire gil;
      try {
        on_warning(message);
      } catch (py::error_already_set& error) {
        error.discard_as_unraisable("mqttbed warning callback");
      }
    };
  }
  bool callback_failed = false;
  if (on_progress) {
    // Called from the simulation loop with the GIL released around the run; a failing
    // callback (e.g. its pipe closed) is not called again and cannot unwind the engine.
    options.on_progress = [&](const fleet::Progress& progress) {
      if (callback_failed) return;
      py::gil_scoped_acquire gil;
      try {
        on_progress(py::dict(py::arg("now_s") = seconds(progress.now),
                             py::arg("end_s") = seconds(progress.end),
                             py::arg("events") = progress.events,
                             py::arg("connected_clients") = progress.connected_clients));
      } catch (py::error_already_set& error) {
        callback_failed = true;
        error.discard_as_unraisable("mqttbed progress callback");
      }
    };
  }
  engine_used = true;
  run::RunResult result;
  {
    py::gil_scoped_release release;
    result = run::run_scenario(scenario, options);
  }
  return py::dict(py::arg("passed") = result.passed, py::arg("report_path") = result.report_path,
                  py::arg("summary") = result.summary, py::arg("devices") = result.stats.devices,
                  py::arg("end_s") = seconds(result.stats.end),
                  py::arg("wall_seconds") = result.wall_seconds, py::arg("seed") = scenario.seed,
                  py::arg("name") = scenario.name,
                  py::arg("live") = !options.live.broker_url.empty());
}

// One shard of a sharded run (sim/run/shards.h), for a cluster worker's child process.
void run_shard_text(const std::string& text, const std::string& file,
                    std::optional<std::uint64_t> seed, int index, int count, const std::string& dir,
                    const std::string& mutation) {
  if (engine_used)
    throw std::runtime_error(
        "the simulation engine already ran in this process (SimGrid allows one per process)");
  scenario::Scenario scenario = run::load_scenario_text(text, file);
  if (seed) scenario.seed = *seed;
  fleet::check_shardable(scenario, count);
  if (index < 0 || index >= count)
    throw std::invalid_argument("shard " + std::to_string(index) + ": expected 0.." +
                                std::to_string(count - 1));
  const fleet::Misbehaviour misbehaviour = fleet::parse_misbehaviour(mutation);
  engine_used = true;
  py::gil_scoped_release release;
  run::run_shard(scenario, fleet::Shard{index, count}, dir, misbehaviour);
}

}  // namespace

void bind_run(py::module_& module) {
  module.def("run_scenario_text", &run_scenario_text, py::arg("text"), py::arg("file"),
             py::arg("seed") = std::nullopt, py::arg("out_dir") = "", py::arg("history_path") = "",
             py::arg("mutation") = "", py::arg("on_progress") = nullptr,
             py::arg("live") = py::dict(), py::arg("on_warning") = nullptr,
             py::arg("junit_path") = "", py::arg("shards") = 1, py::arg("retry_shards") = 0,
             py::arg("shard_dir") = "",
             "Runs the scenario once in THIS process (simulated, or live when live['broker'] "
             "is a URL) and writes report.json to out_dir. Allowed once per process: use "
             "mqttbed.run() instead. An unreachable broker raises BrokerUnreachable.");
  module.def("run_shard_text", &run_shard_text, py::arg("text"), py::arg("file"), py::arg("seed"),
             py::arg("index"), py::arg("count"), py::arg("dir"), py::arg("mutation") = "",
             "Simulates shard `index` of `count` of the scenario in THIS process and leaves "
             "its files in `dir` (what a cluster worker runs; once per process).");
  // A shard that did not finish (its message names it): a RuntimeError.
  py::register_exception<run::ShardFailed>(module, "ShardFailed", PyExc_RuntimeError);
  // A sharded scenario that cannot be split as asked: a ValueError.
  py::register_exception<fleet::ShardingError>(module, "ShardingError", PyExc_ValueError);
  // A ConnectionError, with the CLI's message ("broker tcp://... unreachable: ...").
  py::register_exception<live::BrokerUnreachable>(module, "BrokerUnreachable",
                                                  PyExc_ConnectionError);
  module.def(
      "live_options",
      [] {
        std::vector<std::string> names;
        for (const auto& spec : live::live_option_specs()) names.emplace_back(spec.name);
        return names;
      },
      "The live options' keyword names (the CLI's flags with underscores).");
  module.def(
      "engine_used", [] { return engine_used; },
      "Whether this process already ran the simulation engine.");
}

}  // namespace mqttbed::python
