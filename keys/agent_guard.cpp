#include "keys/agent_guard.h"

#include <fcntl.h>
#include <gpgme.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <cctype>
#include <cerrno>
#include <optional>
#include <vector>

extern char** environ;

namespace mailveil::keys {
namespace {

class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

  private:
    int fd_ = -1;
};

std::string gnupg_tool(const char* dirinfo_name, const char* fallback) {
    const char* path = gpgme_get_dirinfo(dirinfo_name);
    return path != nullptr && *path != '\0' ? path : fallback;
}

// Runs a program with stdin and stderr on /dev/null; its standard output
// when it exits with status 0, nothing otherwise.
std::optional<std::string> run_for_output(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    int pipe_ends[2];
    if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    const FileDescriptor read_end(pipe_ends[0]);
    FileDescriptor write_end(pipe_ends[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    write_end = FileDescriptor();
    if (spawned != 0) {
        return std::nullopt;
    }
    std::string output;
    char buffer[512];
    for (;;) {
        const ssize_t got = ::read(read_end.get(), buffer, sizeof buffer);
        if (got > 0) {
            output.append(buffer, static_cast<std::size_t>(got));
        } else if (got == 0 || errno != EINTR) {
            break;
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return std::nullopt;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return std::nullopt;
    }
    return output;
}

// gpgconf prints paths with %XX escapes (":" as %3a).
std::string unescape_gpgconf(const std::string& text) {
    std::string plain;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            plain += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (text[i] != '\n') {
            plain += text[i];
        }
    }
    return plain;
}

std::string gpgconf() {
    return gnupg_tool("gpgconf-name", "gpgconf");
}

} // namespace

bool agent_running(const std::string& gnupg_home) {
    const auto listed =
        run_for_output({gpgconf(), "--homedir", gnupg_home, "--list-dirs", "agent-socket"});
    if (!listed) {
        return false;
    }
    const std::string path = unescape_gpgconf(*listed);
    sockaddr_un address{};
    if (path.empty() || path.size() >= sizeof address.sun_path) {
        return false;
    }
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, path.size());
    const FileDescriptor socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    return socket.get() >= 0 && ::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address),
                                          sizeof address) == 0;
}

AgentGuard::AgentGuard(std::string gnupg_home)
    : home_(std::move(gnupg_home)), agent_was_running_(agent_running(home_)) {}

AgentGuard::~AgentGuard() {
    if (!agent_was_running_ && agent_running(home_)) {
        run_for_output({gpgconf(), "--homedir", home_, "--kill", "all"});
    }
}

} // namespace mailveil::keys
