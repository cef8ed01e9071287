// client_kind.h - is this milter connection an SMTP client, or mail that
// Postfix's cleanup(8) hands to non_smtpd_milters?
//
// Mail from the sendmail(1) command (postdrop -> pickup -> cleanup) reaches a
// milter through non_smtpd_milters. cleanup emulates the SMTP events for it,
// but it cannot pass a recipient reject on to anyone: a 4xx/5xx at RCPT makes
// it log "milter configuration error: can't reject recipient in non-smtpd(8)
// submission" and defer the whole message (4.3.5). So such mail must never
// be split by class with 452.
//
// What cleanup sends, as logged by mailveil (log_level = debug) behind a real
// Postfix 3.7.11 in the integration test sendmail_command_mixed_gets_fallback,
// and as cleanup_milter.c (cleanup_milter_client_init) says:
//  - connect: host name "localhost", address 127.0.0.1, port 0, AF_INET: the
//    ersatz client cleanup uses when the queue file names none;
//  - macros: j, v ("Postfix 3.7.11"), _ ("localhost [127.0.0.1]"),
//    {daemon_name} (milter_macro_daemon_name, by default $myhostname: the
//    same value smtpd sends) and {daemon_addr} 127.0.0.1 (also sent, so no
//    help either);
//  - HELO "localhost", MAIL, one RCPT per recipient, then the message; no
//    {auth_authen}.
// smtpd gives the client's real address and port, and a TCP peer never has
// port 0: port 0 is what marks cleanup's mail. An smtpd whose client is not
// on TCP (a UNIX-domain listener) may report the same ersatz client and is
// then not split either: the fallback applies, the safe direction. Sendmail
// calls milters from its SMTP server (its command-line submissions reach it
// over SMTP through the MSA). Not covered: a queue file that names a client (mail re-queued with
// postsuper -r, if cleanup runs non_smtpd_milters on it) looks like SMTP.
#pragma once

#include <string>

struct sockaddr;

namespace mailveil::milter {

enum class ClientKind { Smtp, NonSmtp };

struct ConnectFacts {
    std::string hostname;       // as given to xxfi_connect
    std::string address;        // numeric; empty when the MTA gave none
    int port = -1;              // -1: no TCP/IP address
    std::string mta_version;    // macro v
    std::string daemon_name;    // macro {daemon_name}
    bool daemon_addr_sent = false; // macro {daemon_addr} defined (logged only)
    std::string daemon_addr;

    // Fills address and port from an AF_INET/AF_INET6 socket address (null: none).
    void set_peer(const sockaddr* peer);
};

ClientKind classify(const ConnectFacts& facts);

// 'client=localhost[127.0.0.1]:0 v="Postfix 3.7.11" daemon_name=mx.example.org
// daemon_addr=127.0.0.1 kind=non-smtp', for the debug log.
std::string describe(const ConnectFacts& facts, ClientKind kind);

} // namespace mailveil::milter
