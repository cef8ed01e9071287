// log.h - the daemon's log: stderr in the foreground, syslog (facility mail) otherwise.
//
// One line per message carries the MTA's queue id and the decision, never
// message content. Safe to call from every milter thread.
#pragma once

#include <string_view>

namespace mailveil::milter::log {

enum class Sink { Stderr, Syslog };

void open(Sink sink);
void info(std::string_view line);
void warning(std::string_view line);
void error(std::string_view line);

} // namespace mailveil::milter::log
