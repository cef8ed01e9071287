// dialogue.h - one full SMTP + TLS session with the server, as facts.
//
// run_dialogue() connects, reads the banner, sends EHLO, STARTTLS (or starts
// TLS at once for implicit TLS), completes a real OpenSSL handshake, sends
// EHLO again inside TLS and QUIT. It records what happened, including where
// and why it stopped; it never throws for anything the server does (timeouts,
// dropped connections, malformed replies and handshake failures all end up
// in `failed_stage`/`error`). Judging the facts is checks.cpp's job.
// Failure modes: only std::bad_alloc and a bad --ca-file (TlsError) escape.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tlscheck/options.h"
#include "tlscheck/session_facts.h"
#include "tlscheck/smtp_client.h"
#include "tlscheck/tls_client.h"

namespace tlscheck {

enum class Stage { connect, banner, ehlo, starttls, handshake, ehlo_after_tls, done };
const char* stage_name(Stage s);

struct DialogueFacts {
    std::string peer;
    std::optional<SmtpReply> banner;
    std::optional<EhloResult> ehlo_before_tls;
    bool starttls_offered = false;
    std::optional<SmtpReply> starttls_reply;
    std::size_t bytes_after_starttls_reply = 0; // pipelined plaintext (injection risk)
    std::optional<SessionFacts> session;
    std::optional<EhloResult> ehlo_after_tls;
    std::vector<std::string> transcript;
    Stage failed_stage = Stage::done; // done = nothing failed
    std::string error;
    bool refused = false; // connection refused (for back-off)
    bool busy = false;    // refused, 421 greeting, or dropped before it: worth a retry
    int attempts = 1;
    double elapsed_ms = 0;
};

DialogueFacts run_dialogue(const Options& opt, SSL_CTX& ctx);

// The full dialogue with the modern context, and once more with the
// permissive one if the handshake failed (session->permissive_context set).
// A busy server (see `busy`) is retried up to 4 times with exponential back-off.
DialogueFacts run_dialogue_with_fallback(const Options& opt);

// The server name to send in SNI: the host unless it is an IP literal.
std::string sni_for(const Options& opt);

} // namespace tlscheck
