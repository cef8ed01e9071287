// config_audit.h - what a local MTA configuration audit found.
//
// The result of --postfix (postfix_audit.h) or --exim (exim_audit.h): the
// settings that were read, by name, and where from. Findings go into the
// run's Findings. Failure modes: none here.
#pragma once

#include <map>
#include <string>

namespace tlscheck {

struct ConfigAudit {
    std::string mta;    // "postfix", "exim"
    std::string source; // "postconf -c /etc/postfix", "exim4 -bP"
    std::map<std::string, std::string> settings;
    std::string presented_cert_file; // the server certificate file on disk (Postfix)
};

} // namespace tlscheck
