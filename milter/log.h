// log.h - the daemon's log: stderr in the foreground, syslog (facility mail) otherwise.
//
// One line per message carries the MTA's queue id and the decision, never
// message content. Lines below the configured level are dropped. Safe to call
// from every milter thread.
#pragma once

#include "config/settings.h"

#include <string_view>

namespace mailveil::milter::log {

void open(config::LogSink sink);
void set_level(config::LogLevel level);
bool to_syslog();

void error(std::string_view line);
void warning(std::string_view line);
void info(std::string_view line);
void debug(std::string_view line);

} // namespace mailveil::milter::log
