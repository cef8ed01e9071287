// callbacks.h - the libmilter callback table.
//
// Every callback goes through one trampoline: any exception becomes
// SMFIS_TEMPFAIL with a "451 4.3.0" reply and one log line (queue id, and the
// recipient at RCPT), so the MTA keeps the message and retries; a message is
// never half-rewritten. In a step the MTA sends without waiting for a reply
// (connect, MAIL or a header field, when negotiated), the failure is held and
// the next step that answers tempfails with it. A callback that took 5 s or
// more (60 s for body and end of message) is logged as slow: the MTA may have
// given up on it.
//
// Per stage:
//  RCPT  resolve the recipient (rules, key map, keyring): a "require"
//        recipient without a key is refused (550 5.7.1, or 450 4.7.1); with
//        mixed_recipients = split, a recipient of the other class than the
//        first accepted one gets 452 4.5.3 so the client sends it separately
//        (never for authenticated clients or submission daemons)
//  DATA  when the recipients alone settle the outcome, accept without the
//        header and body (EOH, when a failure held from RCPT must answer)
//  EOM   run the core on the whole message and apply its rewrite
#pragma once

#include <libmilter/mfapi.h>

#include <cstddef>

namespace mailveil::milter {

// The filter description to hand to smfi_register().
smfiDesc make_filter_description();

// Whether to ask the MTA not to wait for replies to the connect and MAIL
// events (SMFIP_NR_CONN, SMFIP_NR_MAIL): two round trips per SMTP session
// saved. Only on a unix socket: over TCP the MTA's next write would wait for
// the ACK of an event that got no reply (Nagle against delayed ACKs, up to
// 40 ms). Set once, before smfi_main().
void set_envelope_without_replies(bool on);

// Connections that are open right now (to wait for them on shutdown).
std::size_t open_connections();

} // namespace mailveil::milter
