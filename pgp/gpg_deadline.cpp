#include "pgp/gpg_deadline.h"

#include <gpgme.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace mailveil::pgp {
namespace {

std::optional<GpgDeadline>& deadline_in_force() {
    static std::optional<GpgDeadline> deadline;
    return deadline;
}

} // namespace

void set_gpg_deadline(const GpgDeadline& deadline) {
    if (::access(deadline.wrapper.c_str(), X_OK) != 0) {
        throw std::runtime_error("gpg_timeout: cannot run " + deadline.wrapper +
                                 " (installed with mailveil)");
    }
    if (deadline.limit.count() < 1) {
        throw std::runtime_error("gpg_timeout: a deadline of less than a second");
    }
    // gpgconf names the gpg GPGME would run. Not GPGME's engine check, which
    // runs gpg and keeps what it found: a gpg missing from the first message
    // on must be reported as such then (ensure_gpgme_initialized).
    gpgme_check_version(nullptr);
    const char* gpg = gpgme_get_dirinfo("gpg-name");
    if (gpg == nullptr || *gpg != '/') {
        throw std::runtime_error("gpg_timeout: gpgconf names no gpg program");
    }
    // Before other threads run (see the header): GPGME hands gpg this environment.
    ::setenv("MAILVEIL_GPG_PROGRAM", gpg, 1);
    ::setenv("MAILVEIL_GPG_DEADLINE", std::to_string(deadline.limit.count()).c_str(), 1);
    deadline_in_force() = deadline;
}

const std::optional<GpgDeadline>& gpg_deadline() {
    return deadline_in_force();
}

std::string explain_gpg_failure(const std::string& what,
                                std::chrono::steady_clock::time_point started) {
    const auto& deadline = deadline_in_force();
    if (!deadline || std::chrono::steady_clock::now() - started < deadline->limit) {
        return what;
    }
    return what + " (gpg ran longer than gpg_timeout, " + std::to_string(deadline->limit.count()) +
           " s, and was stopped)";
}

} // namespace mailveil::pgp
