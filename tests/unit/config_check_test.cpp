// "mailveil -n" on gpg_timeout: the deadline needs gpg-with-deadline.
#include "milter/config_check.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using mailveil::config::Settings;
using mailveil::milter::check_configuration;
using mailveil::milter::CheckReport;

namespace {

bool has_line(const CheckReport& report, const std::string& start) {
    return std::any_of(report.lines.begin(), report.lines.end(),
                       [&](const std::string& line) { return line.rfind(start, 0) == 0; });
}

} // namespace

TEST_CASE("config check: gpg_timeout needs its wrapper", "[config_check]") {
    Settings settings;
    settings.gpg_timeout = 30;
    const CheckReport present = check_configuration(settings, "/bin/true");
    CHECK(has_line(present, "ok: gpg runs with a deadline of 30 s (/bin/true)"));

    const CheckReport missing = check_configuration(settings, "/nonexistent/gpg-with-deadline");
    CHECK(has_line(missing, "error: gpg_timeout = 30 needs /nonexistent/gpg-with-deadline (No "
                            "such file or directory); mailveil will not start without it"));
    CHECK(missing.errors == present.errors + 1);

    settings.gpg_timeout = 0;
    const CheckReport off = check_configuration(settings, "/nonexistent/gpg-with-deadline");
    CHECK(has_line(off, "warning: gpg_timeout = 0: a gpg that hangs holds its connection"));
    CHECK(off.errors == present.errors);
}
