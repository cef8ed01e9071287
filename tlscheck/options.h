// options.h - the command line of mailveil-tlscheck.
//
// parse_options() turns argv into Options. HOST[:PORT] accepts names, IPv4,
// bare IPv6 ("::1") and bracketed IPv6 with a port ("[::1]:587"). The port's
// role decides severities: 25 (and any other port) is MTA-to-MTA
// opportunistic TLS; 587 and 465, or --submission/--smtps, are submission.
// Failure modes: UsageError for anything it cannot make sense of (the caller
// prints it and exits 3, UNKNOWN).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tlscheck/connection.h"

namespace tlscheck {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Role { mta, submission };
enum class OutputFormat { human, json, nagios };

struct Options {
    std::string host; // empty: no network check (only --postfix/--exim)
    unsigned port = 25;
    Role role = Role::mta;
    bool implicit_tls = false; // --smtps
    AddressFamily family = AddressFamily::any;
    std::string ehlo_name;
    Millis timeout{10000};
    OutputFormat format = OutputFormat::human;
    bool quick = false;
    bool color = true; // only used on a terminal
    bool progress = true;
    bool strict = false;
    std::optional<std::string> ca_file;
    std::vector<std::string> mx_names;
    int warn_days = 21;
    unsigned parallel = 4;
    bool postfix = false;
    std::string postfix_dir; // empty: postconf's default
    bool exim = false;
    std::string exim_binary;     // empty: look for exim4 / exim on PATH
    std::string mailveil_milter; // how mailveil appears in smtpd_milters (default: guess)
    bool help = false;
    bool version = false;
};

Options parse_options(const std::vector<std::string>& args);
const char* usage_text();

} // namespace tlscheck
