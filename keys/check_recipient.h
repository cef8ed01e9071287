// check_recipient.h - "mailveil-keys check": what mailveil would do with mail
// to one recipient, and why.
//
// The answer is the daemon's own: core::Engine::resolve (recipient rules, key
// map, recipient_delimiter, keyring lookup) and Engine::decide_by_recipients
// for a message to this recipient alone; a "require" recipient without a
// usable key is refused at RCPT time, as the milter does. Around it the tool
// explains the steps: which rule line matched (found by asking the same rule
// matcher one line at a time), the address after the delimiter, the key map
// entry, the key chosen with its expiry, or why each candidate key is not
// usable.
//
// Returns kExitOk (encrypt), kExitRefused (plaintext), kExitRcptRefused
// (refused at RCPT), kExitError (keyring broken: mailveil would tempfail).
#pragma once

#include "config/settings.h"

#include <ostream>
#include <string>

namespace mailveil::keys {

int check_recipient(const config::Settings& settings, const std::string& recipient,
                    std::ostream& out);

} // namespace mailveil::keys
