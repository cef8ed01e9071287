#include "milter/libmilter_signal_thread.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace mailveil::milter {
namespace {

// The SigBlk line of /proc/self/task/TID/status; readable after dropping root.
bool sighup_blocked(pid_t task) {
    std::ifstream status("/proc/self/task/" + std::to_string(task) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("SigBlk:")) {
            const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
            return (mask & (1ULL << (SIGHUP - 1))) != 0;
        }
    }
    return true; // the task is gone, or no such line: not the one we wait for
}

} // namespace

std::set<pid_t> tasks_now() {
    std::set<pid_t> tasks;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", error)) {
        tasks.insert(static_cast<pid_t>(std::stol(entry.path().filename().string())));
    }
    return tasks;
}

bool wait_for_libmilter_signal_thread(const std::set<pid_t>& before,
                                      std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    do {
        for (const pid_t task : tasks_now()) {
            if (!before.contains(task) && !sighup_blocked(task)) {
                return true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

} // namespace mailveil::milter
