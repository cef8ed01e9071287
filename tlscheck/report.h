// report.h - the three ways a run is shown: human text, JSON, one Nagios line.
//
// Reporters only format a CheckRun; they decide nothing. verdict_summary() is
// the "why" of the verdict line shared by all of them. Failure modes: none
// (stream errors are the caller's to check).
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tlscheck/check_run.h"

namespace tlscheck {

std::string verdict_summary(const CheckRun& run);

void write_human(std::ostream& out, const CheckRun& run, bool color);
void write_quick(std::ostream& out, const CheckRun& run, bool color);
nlohmann::json to_json(const CheckRun& run);
std::string nagios_line(const CheckRun& run);

} // namespace tlscheck
