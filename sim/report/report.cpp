#include "sim/report/report.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/model/simulation.hpp"

extern char** environ;

namespace pzsim {

namespace {

// Debian's interpreter, the one scripts/deps installs matplotlib and xarray for.
constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

std::filesystem::path report_script() {
  const char* override_dir = std::getenv("PZSIM_ANALYSIS_DIR");
  const std::filesystem::path dir = override_dir != nullptr && *override_dir != '\0' ? override_dir : PZSIM_ANALYSIS_DIR;
  const std::filesystem::path script = dir / "report.py";
  if (!std::filesystem::is_regular_file(script))
    throw IoError(script.string() + " not found; set PZSIM_ANALYSIS_DIR to the analysis/ folder of a pzsim checkout");
  return script;
}

int write_report(const ReportRequest& request, const std::atomic<bool>* interrupted) {
  const std::filesystem::path script = report_script();
  if (::access(kPython, X_OK) != 0)
    throw IoError(std::string(kPython) + " not found; install Debian's python3 with scripts/deps --with-python");
  std::vector<std::string> args{kPython, script.string(), request.comparison_dir.string()};
  if (!request.output.empty()) args.insert(args.end(), {"-o", request.output.string()});
  if (request.force) args.emplace_back("--force");
  std::error_code no_proc;  // without /proc the report only lacks its DiD section
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", no_proc);
  if (!no_proc) args.insert(args.end(), {"--pzsim", self.string()});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t child = 0;
  if (const int err = ::posix_spawn(&child, kPython, nullptr, nullptr, argv.data(), environ); err != 0)
    throw IoError("cannot start " + std::string(kPython) + ": " + std::strerror(err));
  // Poll rather than block: the SIGINT/SIGTERM flag must be seen while the script runs.
  int status = 0;
  bool stop_sent = false;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) throw IoError("waiting for " + script.string() + ": " + std::strerror(errno));
    if (interrupted != nullptr && interrupted->load() && !stop_sent) {
      ::kill(child, SIGTERM);
      stop_sent = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (stop_sent) throw RunCancelled{};
  if (!WIFEXITED(status)) return 1;  // killed by a signal
  const int code = WEXITSTATUS(status);
  return code == 0 || code == 2 ? code : 1;
}

}  // namespace pzsim
