// subprocess.h - run a local command (postconf, exim -bP) and capture its output.
//
// run_command() spawns argv[0] from PATH without a shell, feeds it no input,
// collects stdout and stderr (each capped at 4 MiB) and waits for it, killing
// it after the timeout. Failure modes: CommandError when the program cannot
// be started (not_found() for a missing program) or runs past the timeout.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace tlscheck {

struct CommandError : std::runtime_error {
    CommandError(const std::string& what, bool not_found)
        : std::runtime_error(what), not_found_(not_found) {}
    bool not_found() const { return not_found_; }

  private:
    bool not_found_;
};

struct CommandResult {
    int exit_status = -1; // -1: killed by a signal
    std::string out;
    std::string err;
};

CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

// The full path of a program on PATH (plus /usr/sbin and /sbin), or "" if none.
std::string find_program(const std::string& name);

} // namespace tlscheck
