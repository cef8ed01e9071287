#include "milter/systemd_notify.h"

#include "milter/log.h"

#include <systemd/sd-daemon.h>

#include <cstring>
#include <ctime>
#include <string>

namespace mailveil::milter {
namespace {

void send(const std::string& state) {
    // unset_environment = 0: later reloads and the shutdown notify too.
    const int sent = sd_notify(0, state.c_str());
    if (sent < 0) {
        log::warning("cannot notify systemd (" + state.substr(0, state.find('\n')) +
                     "): " + std::strerror(-sent));
    }
}

} // namespace

void notify_ready() {
    send("READY=1\nSTATUS=listening");
}

void notify_reloading() {
    // MONOTONIC_USEC lets a Type=notify-reload manager (systemd >= 253) match
    // this reload to its request; older managers ignore it.
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                      static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
    send("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=" + std::to_string(usec));
}

void notify_stopping() {
    send("STOPPING=1\nSTATUS=stopping");
}

} // namespace mailveil::milter
