// dialogue.cpp - the SMTP/TLS dialogue; see dialogue.h.
#include "tlscheck/dialogue.h"

#include <chrono>
#include <thread>

namespace tlscheck {

const char* stage_name(Stage s) {
    switch (s) {
    case Stage::connect:
        return "connect";
    case Stage::banner:
        return "banner";
    case Stage::ehlo:
        return "EHLO";
    case Stage::starttls:
        return "STARTTLS";
    case Stage::handshake:
        return "TLS handshake";
    case Stage::ehlo_after_tls:
        return "EHLO after TLS";
    case Stage::done:
        return "done";
    }
    return "?";
}

std::string sni_for(const Options& opt) {
    return is_ip_literal(opt.host) ? "" : opt.host;
}

namespace {

// Runs the part of the dialogue that can fail; `stage` tracks where we are.
void converse(const Options& opt, SSL_CTX& ctx, DialogueFacts& f, Stage& stage,
              std::optional<SmtpClient>& smtp) {
    stage = Stage::connect;
    Connection conn = Connection::open(opt.host, opt.port, opt.timeout, opt.family);
    f.peer = conn.peer();
    PlainChannel plain(conn);
    std::optional<TlsChannel> tls;
    if (opt.implicit_tls) {
        stage = Stage::handshake;
        tls.emplace(ctx, conn, sni_for(opt), opt.timeout);
        f.session = read_session_facts(tls->ssl());
        smtp.emplace(*tls, opt.timeout);
    } else {
        smtp.emplace(plain, opt.timeout);
    }
    stage = Stage::banner;
    f.banner = smtp->read_reply();
    if (f.banner->code != 220)
        throw SmtpProtocolError("server refused the session: " + f.banner->summary());
    stage = opt.implicit_tls ? Stage::ehlo_after_tls : Stage::ehlo;
    EhloResult ehlo = smtp->ehlo(opt.ehlo_name);
    if (!ehlo.reply.positive_completion())
        throw SmtpProtocolError("EHLO rejected: " + ehlo.reply.summary());
    if (opt.implicit_tls) {
        f.ehlo_after_tls = ehlo;
    } else {
        f.ehlo_before_tls = ehlo;
        f.starttls_offered = ehlo.has("STARTTLS");
        if (!f.starttls_offered) {
            smtp->command("QUIT");
            return;
        }
        stage = Stage::starttls;
        f.starttls_reply = smtp->command("STARTTLS");
        if (f.starttls_reply->code != 220)
            throw SmtpProtocolError("STARTTLS refused: " + f.starttls_reply->summary());
        stage = Stage::handshake;
        tls.emplace(ctx, conn, sni_for(opt), opt.timeout);
        f.bytes_after_starttls_reply = smtp->switch_channel(*tls);
        f.session = read_session_facts(tls->ssl());
        stage = Stage::ehlo_after_tls;
        f.ehlo_after_tls = smtp->ehlo(opt.ehlo_name);
        if (!f.ehlo_after_tls->reply.positive_completion())
            throw SmtpProtocolError("EHLO after TLS rejected: " +
                                    f.ehlo_after_tls->reply.summary());
    }
    try {
        smtp->command("QUIT");
    } catch (const std::exception&) {
        // A server that closes without answering QUIT is no problem.
    }
    SSL_shutdown(&tls->ssl());
}

} // namespace

DialogueFacts run_dialogue(const Options& opt, SSL_CTX& ctx) {
    DialogueFacts f;
    auto start = std::chrono::steady_clock::now();
    Stage stage = Stage::connect;
    std::optional<SmtpClient> smtp;
    try {
        converse(opt, ctx, f, stage, smtp);
        stage = Stage::done;
    } catch (const ConnectError& e) {
        f.error = e.what();
        f.refused = e.refused();
    } catch (const SmtpDropped& e) {
        f.error = e.what();
    } catch (const SmtpProtocolError& e) {
        f.error = e.what();
    } catch (const TlsError& e) {
        f.error = e.what();
    } catch (const IoError& e) {
        f.error = e.what();
    }
    f.failed_stage = stage;
    const bool dropped_before_banner =
        stage == Stage::banner && !f.banner && f.error.rfind("server closed", 0) == 0;
    const bool busy_banner = stage == Stage::banner && f.banner && f.banner->code == 421;
    f.busy = f.refused || dropped_before_banner || busy_banner;
    if (smtp)
        f.transcript = smtp->transcript();
    f.elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return f;
}

DialogueFacts run_dialogue_with_fallback(const Options& opt) {
    SslCtxPtr modern = make_client_context(ContextKind::modern, opt.ca_file);
    DialogueFacts f = run_dialogue(opt, *modern);
    for (int attempt = 1; f.busy && attempt < 5; ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250 << (attempt - 1)));
        f = run_dialogue(opt, *modern);
        f.attempts = attempt + 1;
    }
    if (f.failed_stage != Stage::handshake)
        return f;
    SslCtxPtr permissive = make_client_context(ContextKind::permissive, opt.ca_file);
    DialogueFacts again = run_dialogue(opt, *permissive);
    if (again.session) {
        again.session->permissive_context = true;
        again.transcript.insert(again.transcript.begin(),
                                "# modern TLS client failed (" + f.error +
                                    "); retried at OpenSSL security level 0");
        return again;
    }
    return f;
}

} // namespace tlscheck
