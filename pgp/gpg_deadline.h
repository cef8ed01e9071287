// gpg_deadline.h - a time limit for every gpg run of this process.
//
// Off by default (mailveil-filter, the tools). The daemon turns it on at
// start (gpg_timeout): from then on, contexts made by make_context() run gpg
// through gpg-with-deadline (pgp/gpg_with_deadline_main.cpp), which sets an
// alarm and execs the real gpg, so a hung gpg ends after the deadline and its
// operation fails instead of holding a thread for good.
//
// Thread safety: call set_gpg_deadline() once, before any other thread runs
// (it changes the environment GPGME hands to gpg); the rest may run anywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace mailveil::pgp {

struct GpgDeadline {
    std::string wrapper;           // gpg-with-deadline's path
    std::chrono::seconds limit{0}; // 1 s or more
};

// Turns the limit on: gpg is wrapper's to run, with limit. Throws
// std::runtime_error when the wrapper is not an executable file.
void set_gpg_deadline(const GpgDeadline& deadline);

// The limit in force, if any.
const std::optional<GpgDeadline>& gpg_deadline();

// what, with the reason when an operation that began at started failed by
// reaching the limit: "... (gpg ran longer than gpg_timeout, N s, and was stopped)".
std::string explain_gpg_failure(const std::string& what,
                                std::chrono::steady_clock::time_point started);

} // namespace mailveil::pgp
