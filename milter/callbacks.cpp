#include "milter/callbacks.h"

#include "core/errors.h"
#include "milter/log.h"
#include "milter/processing_slot.h"
#include "milter/runtime.h"
#include "milter/session.h"
#include "pgp/address.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace mailveil::milter {
namespace {

std::atomic<std::size_t> g_open_connections{0};
std::atomic<bool> g_envelope_without_replies{false};

// --- per-connection state -------------------------------------------------
// libmilter stores one void* per connection; it owns a Session from connect
// (or first use) until close.

Session& session_of(SMFICTX* ctx) {
    if (auto* session = static_cast<Session*>(smfi_getpriv(ctx))) {
        return *session;
    }
    auto fresh = std::make_unique<Session>();
    if (smfi_setpriv(ctx, fresh.get()) != MI_SUCCESS) {
        throw std::runtime_error("cannot attach connection state");
    }
    ++g_open_connections;
    return *fresh.release();
}

void drop_session(SMFICTX* ctx) {
    std::unique_ptr<Session> owned(static_cast<Session*>(smfi_getpriv(ctx)));
    if (owned) {
        --g_open_connections;
    }
    smfi_setpriv(ctx, nullptr);
}

std::string macro(SMFICTX* ctx, const char* name) {
    const char* value = smfi_getsymval(ctx, const_cast<char*>(name));
    return value != nullptr ? value : "";
}

std::string queue_id(SMFICTX* ctx) {
    const std::string id = macro(ctx, "i");
    return id.empty() ? "NOQUEUE" : id;
}

std::string one_line(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return text;
}

void set_reply(SMFICTX* ctx, const char* code, const char* status, const char* text) {
    smfi_setreply(ctx, const_cast<char*>(code), const_cast<char*>(status), const_cast<char*>(text));
}

// --- the one error path ---------------------------------------------------

enum class Stage { Negotiate, Connect, Mail, Rcpt, Data, Header, Eoh, Body, Eom, Abort };

const char* name_of(Stage stage) {
    switch (stage) {
    case Stage::Negotiate:
        return "negotiate";
    case Stage::Connect:
        return "connect";
    case Stage::Mail:
        return "mail";
    case Stage::Rcpt:
        return "rcpt";
    case Stage::Data:
        return "data";
    case Stage::Header:
        return "header";
    case Stage::Eoh:
        return "eoh";
    case Stage::Body:
        return "body";
    case Stage::Eom:
        return "eom";
    case Stage::Abort:
        return "abort";
    }
    return "?";
}

// MTAs stop waiting for a milter after a timeout and apply their default
// action (Postfix: milter_command_timeout 30 s, milter_content_timeout
// 300 s; Sendmail: 10 s per command, 5 min for the end of the message). A
// step that took a good part of that is logged, so a tempfail the MTA
// reports for a timeout can be traced to what mailveil was waiting for.
std::chrono::seconds slow_after(Stage stage) {
    using namespace std::chrono_literals;
    return stage == Stage::Body || stage == Stage::Eom ? 60s : 5s;
}

// At RCPT the recipient names the transaction too: the MTA may have no queue
// id yet (Postfix logs NOQUEUE up to the first accepted recipient).
std::string transaction(SMFICTX* ctx, Stage stage, char** argv) {
    std::string fields = "queue_id=" + queue_id(ctx);
    if (stage == Stage::Rcpt && argv != nullptr && argv[0] != nullptr) {
        fields += " rcpt=<" + pgp::bare_address(argv[0]) + ">";
    }
    return fields;
}
template <typename... Args> std::string transaction(SMFICTX* ctx, Stage, Args...) {
    return "queue_id=" + queue_id(ctx);
}

sfsistat tempfail(SMFICTX* ctx, const std::string& fields, const std::string& reason) {
    log::error(fields + " decision=tempfail reason=\"" + one_line(reason) + "\"");
    set_reply(ctx, "451", "4.3.0", "mailveil: temporary failure, please try again later");
    if (auto* session = static_cast<Session*>(smfi_getpriv(ctx))) {
        session->reset_message();
    }
    return SMFIS_TEMPFAIL;
}

// The SMFIP_NR_* bit of the steps that may go without a reply.
constexpr unsigned long no_reply_bit(Stage stage) {
    switch (stage) {
    case Stage::Connect:
        return SMFIP_NR_CONN;
    case Stage::Mail:
        return SMFIP_NR_MAIL;
    case Stage::Header:
        return SMFIP_NR_HDR;
    default:
        return 0;
    }
}

// A step the MTA sends without waiting for a reply: libmilter sends none
// whatever the callback returns, so a failure is held, and end of headers
// tempfails the message with it (on_eoh). Not RCPT: a failed connect step
// cannot tell whether the client is Postfix's cleanup, which takes no reply
// to a recipient.
template <auto Handler, Stage S, typename... Args>
sfsistat unanswered(SMFICTX* ctx, Session& session, Args... args) {
    std::string failure;
    try {
        Handler(ctx, args...);
        return SMFIS_NOREPLY;
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "unknown internal error";
    }
    failure = std::string("at ") + name_of(S) + ": " + failure;
    if constexpr (S == Stage::Connect) {
        session.hold_connection_failure(failure);
    } else {
        session.hold_failure(failure);
    }
    return SMFIS_NOREPLY;
}

template <auto Handler, Stage S, typename... Args> sfsistat guarded(SMFICTX* ctx, Args... args) {
    const auto started = std::chrono::steady_clock::now();
    sfsistat status = SMFIS_TEMPFAIL;
    try {
        auto* session = static_cast<Session*>(smfi_getpriv(ctx));
        if (session != nullptr && session->no_reply(no_reply_bit(S))) {
            status = unanswered<Handler, S>(ctx, *session, args...);
        } else {
            status = Handler(ctx, args...);
        }
    } catch (const std::exception& e) {
        status = tempfail(ctx, transaction(ctx, S, args...), e.what());
    } catch (...) {
        status = tempfail(ctx, transaction(ctx, S, args...), "unknown internal error");
    }
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    if (took >= slow_after(S)) {
        log::warning(transaction(ctx, S, args...) + " slow: " + name_of(S) + " took " +
                     std::to_string(took.count()) +
                     " s; the MTA may have given up waiting (its milter timeout) and "
                     "tempfailed the message");
    }
    return status;
}

// --- applying a rewrite ---------------------------------------------------

void check(int status, const char* what) {
    if (status != MI_SUCCESS) {
        throw std::runtime_error(std::string("MTA refused ") + what);
    }
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

void delete_replaced_headers(SMFICTX* ctx, const Session& session) {
    // smfi_chgheader counts occurrences per name from 1; delete from the last
    // occurrence down so the earlier indexes stay valid.
    std::map<std::string, std::pair<std::string, int>> occurrences;
    for (const auto& header : session.headers()) {
        if (core::Rewrite::deletes_header(header.name)) {
            auto& entry = occurrences[lowercase(header.name)];
            entry.first = header.name;
            ++entry.second;
        }
    }
    for (auto& [key, entry] : occurrences) {
        for (int index = entry.second; index >= 1; --index) {
            check(smfi_chgheader(ctx, entry.first.data(), index, nullptr), "a header deletion");
        }
    }
}

std::string wire_value(const Session& session, const std::string& value) {
    return session.header_leading_space() ? " " + value : value;
}

// A value replaces the first occurrence in place; every other goes.
void change_headers(SMFICTX* ctx, const Session& session, const core::Rewrite& rewrite) {
    for (const auto& change : rewrite.changed) {
        const auto count = std::count_if(
            session.headers().begin(), session.headers().end(),
            [&](const auto& header) { return mime::header_name_equals(header.name, change.name); });
        std::string name = change.name;
        for (auto index = static_cast<int>(count); index >= 1; --index) {
            if (index == 1 && change.value) {
                std::string value = wire_value(session, *change.value);
                check(smfi_chgheader(ctx, name.data(), 1, value.data()), "a header change");
            } else {
                check(smfi_chgheader(ctx, name.data(), index, nullptr), "a header deletion");
            }
        }
    }
}

void apply(SMFICTX* ctx, const Session& session, const core::Rewrite& rewrite) {
    delete_replaced_headers(ctx, session);
    change_headers(ctx, session, rewrite);
    for (const auto& header : rewrite.added) {
        std::string value = wire_value(session, header.value);
        std::string name = header.name;
        check(smfi_addheader(ctx, name.data(), value.data()), "a header addition");
    }
    constexpr std::size_t kChunk = 65535; // the most one smfi_replacebody takes
    rewrite.for_each_body_piece([&](std::string_view piece) {
        for (std::size_t offset = 0; offset < piece.size(); offset += kChunk) {
            const std::size_t length = std::min(kChunk, piece.size() - offset);
            // libmilter's prototype is not const-correct; it only reads the buffer.
            auto* chunk =
                reinterpret_cast<unsigned char*>(const_cast<char*>(piece.data() + offset));
            check(smfi_replacebody(ctx, chunk, static_cast<int>(length)), "the body replacement");
        }
    });
}

bool any_required(const Session& session) {
    return std::any_of(session.recipients().begin(), session.recipients().end(),
                       [](const auto& r) { return r.action == core::RecipientAction::Require; });
}

// Splitting by class is for MTA-to-MTA mail: a client that authenticated,
// one of the daemons the admin marks as submission, or mail from Postfix's
// non_smtpd_milters (which cannot pass a recipient reject on) gets no 452.
bool may_split(const Session& session, const config::Settings& settings) {
    if (settings.mixed_recipients != config::MixedRecipients::Split || session.authenticated() ||
        session.client_kind() == ClientKind::NonSmtp) {
        return false;
    }
    const auto& daemons = settings.submission_daemons;
    return std::find(daemons.begin(), daemons.end(), session.daemon_name()) == daemons.end();
}

// --- callbacks ------------------------------------------------------------

sfsistat on_negotiate(SMFICTX* ctx, unsigned long actions, unsigned long steps, unsigned long,
                      unsigned long, unsigned long* actions_out, unsigned long* steps_out,
                      unsigned long* reserved2, unsigned long* reserved3) {
    constexpr unsigned long kNeeded = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY;
    if ((actions & kNeeded) != kNeeded) {
        log::error("the MTA does not allow header and body changes; refusing to filter");
        return SMFIS_REJECT;
    }
    *actions_out = kNeeded;
    // Steps we never look at; ask the MTA to skip them where it can. Not
    // DATA: Postfix would still send its macros, which get no reply, and over
    // TCP its next write then waits for our delayed ACK (Nagle): 40 ms a message.
    constexpr unsigned long kSkippable = SMFIP_NOHELO | SMFIP_NOUNKNOWN;
    // Header fields never get a reply: the next field follows at once, or
    // end of headers, which is answered (no Nagle wait even over TCP).
    unsigned long no_reply = SMFIP_NR_HDR;
    if (g_envelope_without_replies.load()) {
        no_reply |= SMFIP_NR_CONN | SMFIP_NR_MAIL;
    }
    // libmilter offers every SMFIP_NR_* (it answers for an MTA without them).
    *steps_out = steps & (kSkippable | SMFIP_HDR_LEADSPC | no_reply);
    *reserved2 = 0;
    *reserved3 = 0;
    session_of(ctx).set_header_leading_space((steps & SMFIP_HDR_LEADSPC) != 0);
    session_of(ctx).set_no_reply_steps(*steps_out & no_reply);
    return SMFIS_CONTINUE;
}

sfsistat on_connect(SMFICTX* ctx, char* hostname, _SOCK_ADDR* peer) {
    ConnectFacts facts;
    facts.hostname = hostname != nullptr ? hostname : "";
    facts.set_peer(peer);
    facts.mta_version = macro(ctx, "v");
    facts.daemon_name = macro(ctx, "{daemon_name}");
    const char* daemon_addr = smfi_getsymval(ctx, const_cast<char*>("{daemon_addr}"));
    facts.daemon_addr_sent = daemon_addr != nullptr;
    facts.daemon_addr = daemon_addr != nullptr ? daemon_addr : "";
    const ClientKind kind = classify(facts);
    log::debug("connect " + one_line(describe(facts, kind)));
    Session& session = session_of(ctx);
    session.set_daemon_name(facts.daemon_name);
    session.set_client_kind(kind);
    return SMFIS_CONTINUE;
}

sfsistat on_envfrom(SMFICTX* ctx, char**) {
    auto runtime = current_runtime();
    if (!runtime) {
        throw std::runtime_error("no configuration loaded");
    }
    session_of(ctx).start_message(std::move(runtime), !macro(ctx, "{auth_authen}").empty());
    return SMFIS_CONTINUE;
}

sfsistat refuse_required(SMFICTX* ctx, const config::Settings& settings,
                         const std::string& recipient) {
    const bool reject = settings.require_reply == config::RequireReply::Reject;
    log::info("queue_id=" + queue_id(ctx) + " rcpt=<" + recipient +
              "> decision=" + (reject ? "rejected" : "deferred") + " reason=require-without-key");
    set_reply(ctx, reject ? "550" : "450", reject ? "5.7.1" : "4.7.1",
              "mailveil: this recipient only takes encrypted mail, and no usable key is known");
    return reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

core::Resolution resolve_for_rcpt(SMFICTX* ctx, const Runtime& runtime,
                                  const std::string& recipient) {
    try {
        return runtime.engine.resolve(recipient);
    } catch (const ProcessingError& e) {
        // on_error = pass: a recipient whose key cannot be looked up is one
        // without a key, unless the admin requires encryption for it.
        core::Resolution fallback;
        fallback.recipient = recipient;
        fallback.action = runtime.settings.policy.rules.action_for(recipient);
        if (runtime.settings.on_error != config::OnError::Pass ||
            fallback.action == core::RecipientAction::Require) {
            throw;
        }
        log::warning(
            "queue_id=" + queue_id(ctx) + " rcpt=<" + recipient +
            "> key lookup failed, treated as keyless (on_error = pass): " + one_line(e.what()));
        return fallback;
    }
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
    if (argv == nullptr || argv[0] == nullptr) {
        return SMFIS_CONTINUE;
    }
    Session& session = session_of(ctx);
    if (session.held_failure()) {
        return SMFIS_CONTINUE; // end of headers tempfails the message with it
    }
    const Runtime& runtime = session.runtime();
    const std::string recipient = pgp::bare_address(argv[0]);
    core::Resolution resolution;
    try {
        resolution = resolve_for_rcpt(ctx, runtime, recipient);
    } catch (const ProcessingError& e) {
        // Postfix's cleanup (mail from the sendmail command) takes no reply
        // to one recipient: it logs a "milter configuration error". There the
        // whole message is tempfailed at end of headers instead.
        if (session.client_kind() != ClientKind::NonSmtp) {
            throw;
        }
        session.hold_failure("looking up <" + recipient + ">: " + e.what());
        return SMFIS_CONTINUE;
    }

    if (resolution.action == core::RecipientAction::Require && !resolution.key) {
        return refuse_required(ctx, runtime.settings, recipient);
    }
    if (may_split(session, runtime.settings)) {
        const bool encryptable = resolution.encryptable();
        if (session.recipient_class() && *session.recipient_class() != encryptable) {
            log::info("queue_id=" + queue_id(ctx) + " rcpt=<" + recipient +
                      "> decision=deferred reason=split class=" +
                      (encryptable ? "encrypted" : "plaintext"));
            set_reply(ctx, "452", "4.5.3", "Too many recipients, retry in a separate transaction");
            return SMFIS_TEMPFAIL;
        }
        session.set_recipient_class(encryptable);
    }
    session.add_recipient(std::move(resolution));
    return SMFIS_CONTINUE;
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    session_of(ctx).add_header(name != nullptr ? name : "", value != nullptr ? value : "");
    return SMFIS_CONTINUE;
}

sfsistat finish_without_body(SMFICTX* ctx, Session& session, const core::Decision& decision) {
    log::info("queue_id=" + queue_id(ctx) + " " + core::describe(decision));
    session.reset_message();
    if (decision.verdict == core::Verdict::Deferred) {
        set_reply(ctx, "451", "4.7.1",
                  "mailveil: cannot send this message encrypted to all recipients; "
                  "try again later");
        return SMFIS_TEMPFAIL;
    }
    return SMFIS_ACCEPT;
}

// The recipients may settle the decision before the header: nobody to
// encrypt to, or a refusal. Mail that passes still needs its body when
// html_plain may rewrite its HTML.
std::optional<sfsistat> settled_by_recipients(SMFICTX* ctx, Session& session) {
    const core::Engine& engine = session.runtime().engine;
    auto decision = engine.decide_by_recipients(session.recipients());
    if (!decision || (decision->verdict == core::Verdict::Passed &&
                      engine.settings().html_plain != mime::HtmlMode::Keep)) {
        return std::nullopt;
    }
    return finish_without_body(ctx, session, *decision);
}

// Settled at DATA, the MTA sends neither header nor body: pass-through mail
// costs the milter no more than its envelope. A failure held from RCPT is
// reported at end of headers, where every MTA takes the reply.
sfsistat on_data(SMFICTX* ctx) {
    Session& session = session_of(ctx);
    if (session.held_failure()) {
        return SMFIS_CONTINUE;
    }
    return settled_by_recipients(ctx, session).value_or(SMFIS_CONTINUE);
}

sfsistat on_eoh(SMFICTX* ctx) {
    Session& session = session_of(ctx);
    if (const auto& failure = session.held_failure()) {
        throw ProcessingError(*failure);
    }
    return settled_by_recipients(ctx, session).value_or(SMFIS_CONTINUE);
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t length) {
    Session& session = session_of(ctx);
    session.append_body(chunk, length, session.runtime().settings.max_message_size);
    return SMFIS_CONTINUE;
}

sfsistat finish_oversized(SMFICTX* ctx, Session& session) {
    const auto& settings = session.runtime().settings;
    const std::string line = "queue_id=" + queue_id(ctx) +
                             " rcpts=" + std::to_string(session.recipients().size()) +
                             " max_message_size=" + std::to_string(settings.max_message_size);
    if (any_required(session)) {
        log::info(line + " decision=rejected reason=too-big");
        set_reply(
            ctx, "552", "5.3.4",
            "mailveil: message too big to encrypt, and a recipient only takes encrypted mail");
        session.reset_message();
        return SMFIS_REJECT;
    }
    if (settings.oversize_action == config::OversizeAction::Tempfail) {
        log::info(line + " decision=tempfail reason=too-big");
        set_reply(ctx, "452", "4.3.4", "mailveil: message too big to encrypt now");
        session.reset_message();
        return SMFIS_TEMPFAIL;
    }
    log::info(line + " decision=passed reason=too-big");
    session.reset_message();
    return SMFIS_CONTINUE;
}

sfsistat on_eom(SMFICTX* ctx) {
    Session& session = session_of(ctx);
    if (session.oversized()) {
        return finish_oversized(ctx, session);
    }
    const Runtime& runtime = session.runtime();
    const ProcessingSlot slot;
    core::Outcome outcome;
    try {
        const auto message = session.parsed_message();
        outcome = runtime.engine.process_resolved(message, session.recipients());
    } catch (const ProcessingError& e) {
        if (runtime.settings.on_error != config::OnError::Pass || any_required(session)) {
            throw;
        }
        log::warning("queue_id=" + queue_id(ctx) + " decision=passed reason=error error=\"" +
                     one_line(e.what()) + "\"");
        session.reset_message();
        return SMFIS_CONTINUE;
    }
    if (outcome.decision.verdict == core::Verdict::Deferred) {
        return finish_without_body(ctx, session, outcome.decision);
    }
    if (outcome.rewrite) {
        apply(ctx, session, *outcome.rewrite);
    }
    log::info("queue_id=" + queue_id(ctx) + " " + core::describe(outcome.decision));
    session.reset_message();
    return SMFIS_CONTINUE;
}

sfsistat on_abort(SMFICTX* ctx) {
    if (auto* session = static_cast<Session*>(smfi_getpriv(ctx))) {
        session->reset_message();
    }
    return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX* ctx) {
    drop_session(ctx);
    return SMFIS_CONTINUE;
}

// Trampolines with the exact C signatures libmilter expects.
sfsistat cb_negotiate(SMFICTX* ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                      unsigned long f3, unsigned long* p0, unsigned long* p1, unsigned long* p2,
                      unsigned long* p3) {
    return guarded<on_negotiate, Stage::Negotiate>(ctx, f0, f1, f2, f3, p0, p1, p2, p3);
}
sfsistat cb_connect(SMFICTX* ctx, char* host, _SOCK_ADDR* addr) {
    return guarded<on_connect, Stage::Connect>(ctx, host, addr);
}
sfsistat cb_envfrom(SMFICTX* ctx, char** argv) {
    return guarded<on_envfrom, Stage::Mail>(ctx, argv);
}
sfsistat cb_envrcpt(SMFICTX* ctx, char** argv) {
    return guarded<on_envrcpt, Stage::Rcpt>(ctx, argv);
}
sfsistat cb_header(SMFICTX* ctx, char* name, char* value) {
    return guarded<on_header, Stage::Header>(ctx, name, value);
}
// DATA is answered, never skipped: see on_negotiate.
sfsistat cb_data(SMFICTX* ctx) {
    return guarded<on_data, Stage::Data>(ctx);
}

sfsistat cb_eoh(SMFICTX* ctx) {
    return guarded<on_eoh, Stage::Eoh>(ctx);
}
sfsistat cb_body(SMFICTX* ctx, unsigned char* chunk, size_t length) {
    return guarded<on_body, Stage::Body>(ctx, chunk, length);
}
sfsistat cb_eom(SMFICTX* ctx) {
    return guarded<on_eom, Stage::Eom>(ctx);
}
sfsistat cb_abort(SMFICTX* ctx) {
    return guarded<on_abort, Stage::Abort>(ctx);
}
sfsistat cb_close(SMFICTX* ctx) {
    try {
        return on_close(ctx);
    } catch (...) {
        return SMFIS_CONTINUE; // nothing left to fail: the connection is gone
    }
}

} // namespace

std::size_t open_connections() {
    return g_open_connections.load();
}

void set_envelope_without_replies(bool on) {
    g_envelope_without_replies.store(on);
}

smfiDesc make_filter_description() {
    smfiDesc desc{};
    desc.xxfi_name = const_cast<char*>("mailveil");
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY;
    desc.xxfi_connect = cb_connect;
    desc.xxfi_envfrom = cb_envfrom;
    desc.xxfi_envrcpt = cb_envrcpt;
    desc.xxfi_header = cb_header;
    desc.xxfi_data = cb_data;
    desc.xxfi_eoh = cb_eoh;
    desc.xxfi_body = cb_body;
    desc.xxfi_eom = cb_eom;
    desc.xxfi_abort = cb_abort;
    desc.xxfi_close = cb_close;
    desc.xxfi_negotiate = cb_negotiate;
    return desc;
}

} // namespace mailveil::milter
