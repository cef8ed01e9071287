#include "milter/log.h"

#include <syslog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace mailveil::milter::log {
namespace {

std::atomic<config::LogSink> g_sink{config::LogSink::Stderr};
std::atomic<config::LogLevel> g_level{config::LogLevel::Info};
std::mutex g_stderr_mutex;

void write(config::LogLevel level, int priority, const char* label, std::string_view line) {
    if (level > g_level.load()) {
        return;
    }
    if (g_sink.load() == config::LogSink::Syslog) {
        syslog(priority, "%.*s", static_cast<int>(line.size()), line.data());
        return;
    }
    const std::lock_guard lock(g_stderr_mutex);
    std::fprintf(stderr, "mailveil[%ld]: %s: %.*s\n", static_cast<long>(getpid()), label,
                 static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
}

} // namespace

void open(config::LogSink sink) {
    g_sink = sink;
    if (sink == config::LogSink::Syslog) {
        openlog("mailveil", LOG_PID | LOG_NDELAY, LOG_MAIL);
    }
}

void set_level(config::LogLevel level) {
    g_level = level;
}
bool to_syslog() {
    return g_sink.load() == config::LogSink::Syslog;
}

void error(std::string_view line) {
    write(config::LogLevel::Error, LOG_ERR, "error", line);
}
void warning(std::string_view line) {
    write(config::LogLevel::Warning, LOG_WARNING, "warning", line);
}
void info(std::string_view line) {
    write(config::LogLevel::Info, LOG_INFO, "info", line);
}
void debug(std::string_view line) {
    write(config::LogLevel::Debug, LOG_DEBUG, "debug", line);
}

} // namespace mailveil::milter::log
