#include "milter/log.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace mailveil::milter::log {
namespace {

Sink g_sink = Sink::Stderr;
std::mutex g_stderr_mutex;

void write(int priority, const char* level, std::string_view line) {
    if (g_sink == Sink::Syslog) {
        syslog(priority, "%.*s", static_cast<int>(line.size()), line.data());
        return;
    }
    const std::lock_guard lock(g_stderr_mutex);
    std::fprintf(stderr, "mailveil[%ld]: %s: %.*s\n", static_cast<long>(getpid()), level,
                 static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
}

} // namespace

void open(Sink sink) {
    g_sink = sink;
    if (sink == Sink::Syslog) {
        openlog("mailveil", LOG_PID | LOG_NDELAY, LOG_MAIL);
    }
}

void info(std::string_view line) {
    write(LOG_INFO, "info", line);
}
void warning(std::string_view line) {
    write(LOG_WARNING, "warning", line);
}
void error(std::string_view line) {
    write(LOG_ERR, "error", line);
}

} // namespace mailveil::milter::log
