// callbacks.h - the libmilter callback table and the engine it runs.
//
// Every callback goes through one trampoline: any exception becomes
// SMFIS_TEMPFAIL with a "451 4.3.0" reply and one log line, so the MTA keeps
// the message and retries; a message is never half-rewritten.
#pragma once

#include "core/engine.h"

#include <libmilter/mfapi.h>

#include <memory>

namespace mailveil::milter {

// The engine every connection uses from now on (replaced on reload).
void install_engine(std::shared_ptr<const core::Engine> engine);

// The filter description to hand to smfi_register().
smfiDesc make_filter_description();

} // namespace mailveil::milter
