// findings.cpp - severities and the verdict; see findings.h.
#include "tlscheck/findings.h"

namespace tlscheck {

const char* severity_name(Severity s) {
    switch (s) {
    case Severity::info:
        return "info";
    case Severity::note:
        return "note";
    case Severity::warning:
        return "warning";
    case Severity::critical:
        return "critical";
    case Severity::unknown:
        return "unknown";
    }
    return "?";
}

const char* status_name(Status s) {
    switch (s) {
    case Status::ok:
        return "OK";
    case Status::warning:
        return "WARNING";
    case Status::critical:
        return "CRITICAL";
    case Status::unknown:
        return "UNKNOWN";
    }
    return "?";
}

void Findings::add(std::string id, Severity severity, std::string message, std::string evidence) {
    items_.push_back({std::move(id), severity, std::move(message), std::move(evidence)});
}

namespace {
Status status_of(Severity s) {
    switch (s) {
    case Severity::critical:
        return Status::critical;
    case Severity::unknown:
        return Status::unknown;
    case Severity::warning:
        return Status::warning;
    default:
        return Status::ok;
    }
}
int rank(Status s) {
    switch (s) {
    case Status::ok:
        return 0;
    case Status::warning:
        return 1;
    case Status::unknown:
        return 2;
    case Status::critical:
        return 3;
    }
    return 0;
}
} // namespace

Status Findings::status() const {
    Status worst = Status::ok;
    for (const auto& f : items_)
        if (rank(status_of(f.severity)) > rank(worst))
            worst = status_of(f.severity);
    return worst;
}

std::vector<const Finding*> Findings::deciding() const {
    std::vector<const Finding*> out;
    Status s = status();
    if (s == Status::ok)
        return out;
    for (const auto& f : items_)
        if (status_of(f.severity) == s)
            out.push_back(&f);
    return out;
}

} // namespace tlscheck
