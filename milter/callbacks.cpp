#include "milter/callbacks.h"

#include "milter/log.h"
#include "milter/session.h"
#include "pgp/address.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string>

namespace mailveil::milter {
namespace {

std::mutex g_engine_mutex;
std::shared_ptr<const core::Engine> g_engine;

std::shared_ptr<const core::Engine> current_engine() {
    const std::lock_guard lock(g_engine_mutex);
    return g_engine;
}

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
    return *fresh.release();
}

void drop_session(SMFICTX* ctx) {
    std::unique_ptr<Session> owned(static_cast<Session*>(smfi_getpriv(ctx)));
    smfi_setpriv(ctx, nullptr);
}

std::string queue_id(SMFICTX* ctx) {
    const char* id = smfi_getsymval(ctx, const_cast<char*>("i"));
    return id != nullptr && *id != '\0' ? id : "NOQUEUE";
}

// --- the one error path ---------------------------------------------------

sfsistat tempfail(SMFICTX* ctx, const std::string& reason) {
    std::string flat = reason;
    std::replace_if(
        flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    log::error("queue_id=" + queue_id(ctx) + " decision=tempfail reason=\"" + flat + "\"");
    smfi_setreply(ctx, const_cast<char*>("451"), const_cast<char*>("4.3.0"),
                  const_cast<char*>("mailveil: temporary failure, please try again later"));
    if (auto* session = static_cast<Session*>(smfi_getpriv(ctx))) {
        session->reset_message();
    }
    return SMFIS_TEMPFAIL;
}

template <auto Handler, typename... Args> sfsistat guarded(SMFICTX* ctx, Args... args) {
    try {
        return Handler(ctx, args...);
    } catch (const std::exception& e) {
        return tempfail(ctx, e.what());
    } catch (...) {
        return tempfail(ctx, "unknown internal error");
    }
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

void apply(SMFICTX* ctx, const Session& session, const core::Rewrite& rewrite) {
    delete_replaced_headers(ctx, session);
    for (const auto& header : rewrite.added) {
        std::string value = session.header_leading_space() ? " " + header.value : header.value;
        std::string name = header.name;
        check(smfi_addheader(ctx, name.data(), value.data()), "a header addition");
    }
    constexpr std::size_t kChunk = 65535;
    std::string body = rewrite.body;
    for (std::size_t offset = 0; offset < body.size(); offset += kChunk) {
        const std::size_t length = std::min(kChunk, body.size() - offset);
        check(smfi_replacebody(ctx, reinterpret_cast<unsigned char*>(body.data() + offset),
                               static_cast<int>(length)),
              "the body replacement");
    }
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
    // Steps we never look at; ask the MTA to skip them where it can.
    constexpr unsigned long kSkippable = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA;
    *steps_out = steps & (kSkippable | SMFIP_HDR_LEADSPC);
    *reserved2 = 0;
    *reserved3 = 0;
    session_of(ctx).set_header_leading_space((steps & SMFIP_HDR_LEADSPC) != 0);
    return SMFIS_CONTINUE;
}

sfsistat on_connect(SMFICTX* ctx, char*, _SOCK_ADDR*) {
    session_of(ctx);
    return SMFIS_CONTINUE;
}

sfsistat on_envfrom(SMFICTX* ctx, char**) {
    session_of(ctx).reset_message();
    return SMFIS_CONTINUE;
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
    if (argv != nullptr && argv[0] != nullptr) {
        session_of(ctx).add_recipient(pgp::bare_address(argv[0]));
    }
    return SMFIS_CONTINUE;
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    session_of(ctx).add_header(name != nullptr ? name : "", value != nullptr ? value : "");
    return SMFIS_CONTINUE;
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t length) {
    session_of(ctx).append_body(chunk, length);
    return SMFIS_CONTINUE;
}

sfsistat on_eom(SMFICTX* ctx) {
    Session& session = session_of(ctx);
    const auto engine = current_engine();
    if (!engine) {
        throw std::runtime_error("no engine installed");
    }
    const auto outcome = engine->process(session.message_bytes(), session.recipients());
    if (outcome.decision.verdict == core::Verdict::Deferred) {
        log::info("queue_id=" + queue_id(ctx) + " " + core::describe(outcome.decision));
        smfi_setreply(ctx, const_cast<char*>("451"), const_cast<char*>("4.7.1"),
                      const_cast<char*>("mailveil: cannot send this message encrypted to all "
                                        "recipients; try again later"));
        session.reset_message();
        return SMFIS_TEMPFAIL;
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
    return guarded<on_negotiate>(ctx, f0, f1, f2, f3, p0, p1, p2, p3);
}
sfsistat cb_connect(SMFICTX* ctx, char* host, _SOCK_ADDR* addr) {
    return guarded<on_connect>(ctx, host, addr);
}
sfsistat cb_envfrom(SMFICTX* ctx, char** argv) {
    return guarded<on_envfrom>(ctx, argv);
}
sfsistat cb_envrcpt(SMFICTX* ctx, char** argv) {
    return guarded<on_envrcpt>(ctx, argv);
}
sfsistat cb_header(SMFICTX* ctx, char* name, char* value) {
    return guarded<on_header>(ctx, name, value);
}
sfsistat cb_body(SMFICTX* ctx, unsigned char* chunk, size_t length) {
    return guarded<on_body>(ctx, chunk, length);
}
sfsistat cb_eom(SMFICTX* ctx) {
    return guarded<on_eom>(ctx);
}
sfsistat cb_abort(SMFICTX* ctx) {
    return guarded<on_abort>(ctx);
}
sfsistat cb_close(SMFICTX* ctx) {
    try {
        return on_close(ctx);
    } catch (...) {
        return SMFIS_CONTINUE; // nothing left to fail: the connection is gone
    }
}

} // namespace

void install_engine(std::shared_ptr<const core::Engine> engine) {
    const std::lock_guard lock(g_engine_mutex);
    g_engine = std::move(engine);
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
    desc.xxfi_body = cb_body;
    desc.xxfi_eom = cb_eom;
    desc.xxfi_abort = cb_abort;
    desc.xxfi_close = cb_close;
    desc.xxfi_negotiate = cb_negotiate;
    return desc;
}

} // namespace mailveil::milter
