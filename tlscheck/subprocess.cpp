// subprocess.cpp - spawning and reading a local command; see subprocess.h.
#include "tlscheck/subprocess.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tlscheck {
namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fd, O_CLOEXEC) != 0)
            throw CommandError(std::string("pipe: ") + std::strerror(errno), false);
    }
    ~Pipe() {
        close_end(0);
        close_end(1);
    }
    void close_end(int i) {
        if (fd[i] >= 0)
            ::close(fd[i]);
        fd[i] = -1;
    }
};

struct SpawnActions {
    posix_spawn_file_actions_t actions;
    SpawnActions() { posix_spawn_file_actions_init(&actions); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
};

constexpr std::size_t max_output = 4 << 20;

} // namespace

std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? name : "";
    const char* env = std::getenv("PATH");
    std::string path = std::string(env != nullptr ? env : "/usr/bin:/bin") + ":/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos)
            end = path.size();
        std::string candidate = path.substr(start, end - start) + "/" + name;
        struct stat st {};
        if (end > start && ::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return {};
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    if (argv.empty())
        throw CommandError("empty command", false);
    std::string program = find_program(argv[0]);
    if (program.empty())
        throw CommandError(argv[0] + ": not found", true);
    Pipe out, err;
    SpawnActions fa;
    posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa.actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa.actions, err.fd[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, program.c_str(), &fa.actions, nullptr, args.data(), environ);
    if (rc != 0)
        throw CommandError(argv[0] + ": " + std::strerror(rc), rc == ENOENT);
    out.close_end(1);
    err.close_end(1);

    CommandResult result;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false;
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        int n = ::poll(fds, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buf[8192];
            ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
            std::string& sink = i == 0 ? result.out : result.err;
            if (got > 0 && sink.size() < max_output)
                sink.append(buf, static_cast<std::size_t>(got));
            else if (got <= 0)
                (i == 0 ? out : err).close_end(0);
        }
    }
    if (timed_out)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out)
        throw CommandError(
            argv[0] + ": no answer within " + std::to_string(timeout.count()) + " ms", false);
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

} // namespace tlscheck
