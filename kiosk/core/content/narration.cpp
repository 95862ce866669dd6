#include "kiosk/core/content/narration.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace ws::kiosk::content {

bool NarrationTools::available(const std::string& program) {
  if (program.empty()) return false;
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

NarrationPlan plan_narration(const NarrationTools& tools, const std::string& audio_file, const std::string& voice,
                             const std::string& text, bool (*available)(const std::string&)) {
  NarrationPlan plan;
  if (!audio_file.empty() && available(tools.player)) {
    plan.kind = NarrationKind::Recorded;
    plan.command.argv = {tools.player, "-q", audio_file};
    return plan;
  }
  if (!voice.empty() && !text.empty() && available(tools.synthesizer)) {
    plan.kind = NarrationKind::Synthesized;
    plan.command.argv = {tools.synthesizer, "-v", voice, "-s", "145", "--stdin"};
    plan.command.stdin_text = text;
  }
  return plan;
}

Narrator::~Narrator() { stop(); }

std::optional<int> Narrator::last_exit() const {
  std::lock_guard lock(mutex_);
  return last_exit_;
}

Status Narrator::play(const PlayCommand& command) {
  stop();
  if (command.argv.empty()) return fail("nothing_to_play", "no command");
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return fail("spawn_failed", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  // Players chatter on stdout/stderr; the kiosk's logs must not fill with it.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so stop() ends any helpers the player starts too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> argv;
  for (const auto& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  if (rc != 0) {
    ::close(in[1]);
    return fail("spawn_failed", std::string("cannot start ") + command.argv[0] + ": " + std::strerror(rc));
  }
  {
    std::lock_guard lock(mutex_);
    last_exit_.reset();
  }
  child_.store(pid);
  playing_.store(true);
  std::string text = command.stdin_text;
  const int write_fd = in[1];
  worker_ = std::thread([this, pid, write_fd, text = std::move(text)] {
    // Feed the text, then close so the synthesiser sees the end. A child stopped mid-read
    // makes write() fail with EPIPE; SIGPIPE is blocked on this thread so that it cannot
    // end the kiosk.
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(write_fd, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(write_fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    {
      std::lock_guard lock(mutex_);
      last_exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    child_.store(-1);
    playing_.store(false);
  });
  return ok();
}

void Narrator::stop() {
  const int pid = child_.load();
  if (pid > 0) ::kill(-pid, SIGTERM);
  reap();
}

void Narrator::reap() {
  if (worker_.joinable()) worker_.join();
}

}  // namespace ws::kiosk::content
