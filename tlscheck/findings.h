// findings.h - findings, severities and the verdict they add up to.
//
// A Finding is one thing an admin may act on: a stable id ("tls.protocol.tls1_0"),
// a severity, a sentence and the evidence behind it. The verdict is the worst
// severity, mapped to the monitoring-plugin exit codes: critical beats unknown
// beats warning, so an incomplete check is never reported as OK or WARNING.
// Failure modes: none.
#pragma once

#include <string>
#include <vector>

namespace tlscheck {

enum class Severity { info, note, warning, critical, unknown };

const char* severity_name(Severity s); // "info", "note", "warning", "critical", "unknown"

struct Finding {
    std::string id;
    Severity severity = Severity::info;
    std::string message;
    std::string evidence;
};

enum class Status { ok = 0, warning = 1, critical = 2, unknown = 3 };

const char* status_name(Status s); // "OK", "WARNING", "CRITICAL", "UNKNOWN"

class Findings {
  public:
    void add(std::string id, Severity severity, std::string message, std::string evidence = {});
    const std::vector<Finding>& all() const { return items_; }
    Status status() const;
    // The findings that decide the status (empty when OK), for the verdict line.
    std::vector<const Finding*> deciding() const;

  private:
    std::vector<Finding> items_;
};

inline int exit_code(Status s) {
    return static_cast<int>(s);
}

} // namespace tlscheck
